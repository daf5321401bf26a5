import { Alert, Code, Container, Stack, Text, Title } from '@mantine/core';

/** The web console was opened without its token (or with a wrong one). */
export function NoAccess({ reason }: { reason: 'missing' | 'refused' }) {
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Title order={1} size="h2">
          Session Manager
        </Title>
        <Alert
          color={reason === 'missing' ? 'blue' : 'red'}
          title={reason === 'missing' ? 'Open the console with its link' : 'The access token was refused'}
        >
          <Stack gap="xs">
            <Text size="sm">
              The web console needs the link that <Code>session-manager run local</Code> prints when it starts
              (it ends in <Code>#token=…</Code>). The token stays in this browser tab only.
            </Text>
            {reason === 'refused' && (
              <Text size="sm">
                The service may have a new token since this tab was opened: open the new link.
              </Text>
            )}
          </Stack>
        </Alert>
      </Stack>
    </Container>
  );
}
