import { Alert, Button, Group, Text } from '@mantine/core';

export function SectionFooter(props: {
  saving: boolean;
  saved: boolean;
  problem?: string;
  onSave(): void;
  label: string;
}) {
  return (
    <>
      {props.problem && (
        <Alert color="red" title="Not saved" role="alert">
          {props.problem}
        </Alert>
      )}
      <Group justify="flex-end" gap="sm">
        <Text size="sm" aria-live="polite" miw={60}>
          {props.saved ? '✓ Saved' : ''}
        </Text>
        <Button onClick={props.onSave} loading={props.saving}>
          {props.label}
        </Button>
      </Group>
    </>
  );
}
