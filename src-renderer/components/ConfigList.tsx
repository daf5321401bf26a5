import { Alert, Button, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { errorText } from '../lib/errors.js';

/**
 * A page listing configured things (hosts, runners): its title and add button, the load error, a
 * loader, the empty text or the table, and the dialog that confirms removing one of them.
 */
export function ConfigList<T>(props: {
  title: string;
  addLabel: string;
  addHref: string;
  /** "hosts": in "Could not load the hosts" and "Loading hosts". */
  noun: string;
  items: T[] | undefined;
  error: string | undefined;
  loading: boolean;
  empty: string;
  table: (items: T[]) => ReactNode;
  removal: ReactNode;
}) {
  const { items } = props;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{props.title}</Title>
        <Button component="a" href={props.addHref}>
          {props.addLabel}
        </Button>
      </Group>
      {props.error && (
        <Alert color="red" title={`Could not load the ${props.noun}`}>
          {props.error}
        </Alert>
      )}
      {props.loading && !items ? (
        <Loader aria-label={`Loading ${props.noun}`} />
      ) : items?.length === 0 ? (
        <Text>{props.empty}</Text>
      ) : (
        items && props.table(items)
      )}
      {props.removal}
    </Stack>
  );
}

/** What the removal dialog shows and does. */
interface Removal {
  asked: unknown;
  error: string | undefined;
  busy: boolean;
  close(): void;
  confirm(): Promise<void>;
}

/** The state of a removal dialog: the item asked about, and the action that removes it. */
export function useRemoval<T>(remove: (item: T) => Promise<void>) {
  const [asked, setAsked] = useState<T>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const close = () => {
    setAsked(undefined);
    setError(undefined);
  };
  const confirm = async () => {
    if (asked === undefined) return;
    setBusy(true);
    try {
      await remove(asked);
      setAsked(undefined);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return { asked, ask: setAsked, error, busy, close, confirm };
}

/** Asks before removing: says what happens, shows why it failed, and keeps the dialog open then. */
export function RemovalDialog(props: {
  removal: Removal;
  title: string;
  text: string;
  confirmLabel: string;
}) {
  const { removal } = props;
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={removal.asked !== undefined}
      onClose={removal.close}
      title={props.title}
    >
      <Stack>
        <Text size="sm">{props.text}</Text>
        {removal.error && (
          <Alert color="red" role="alert">
            {removal.error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={removal.close}>
            Cancel
          </Button>
          <Button color="red" loading={removal.busy} onClick={removal.confirm}>
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
