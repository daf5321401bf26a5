import {
  AspectRatio,
  Badge,
  Card,
  Center,
  Group,
  Image,
  Modal,
  SimpleGrid,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useState } from 'react';
import type { SessionView } from '../../../src-main/core/state.js';
import { dateTime, duration } from '../../lib/format.js';
import { useServerNow } from '../../lib/use-server-now.js';
import { useLive } from '../../store/live-store.js';
import { useThumbnail } from './use-thumbnail.js';

const stateColor: Record<SessionView['state'], string> = {
  connecting: 'yellow',
  open: 'green',
  reconnecting: 'orange',
  closed: 'gray',
  failed: 'red',
};

function Screen({ session, maxWidth, label }: { session: SessionView; maxWidth: number; label: string }) {
  const { url, problem } = useThumbnail(session.key, maxWidth, session.state === 'open');
  return (
    <AspectRatio ratio={session.width / session.height}>
      {url ? (
        <Image src={url} alt={label} fit="contain" radius="sm" />
      ) : (
        <Center bg="var(--mantine-color-default-hover)" style={{ borderRadius: 4 }}>
          <Text size="sm" c="dimmed" ta="center" px="sm">
            {session.state !== 'open'
              ? `No picture while ${session.state}`
              : (problem ?? 'Loading the screen…')}
          </Text>
        </Center>
      )}
    </AspectRatio>
  );
}

function SessionCard({ session, now, onEnlarge }: { session: SessionView; now: number; onEnlarge(): void }) {
  const label = `Screen of ${session.user} on ${session.hostId}`;
  return (
    <Card
      withBorder
      radius="md"
      padding="sm"
      component="article"
      aria-label={`Session ${session.user} on ${session.hostId}`}
      data-testid={`session-${session.key}`}
    >
      <Card.Section>
        <UnstyledButton
          onClick={onEnlarge}
          aria-label={`Enlarge ${label.toLowerCase()}`}
          w="100%"
          disabled={session.state !== 'open'}
        >
          <Screen session={session} maxWidth={480} label={label} />
        </UnstyledButton>
      </Card.Section>
      <Group justify="space-between" mt="sm" wrap="nowrap">
        <Text fw={600} truncate="end">
          {session.user} @ {session.hostId}
        </Text>
        <Group gap={4} wrap="nowrap">
          {session.health && (
            <Badge
              color={session.health.state === 'ok' ? 'green' : 'orange'}
              variant="light"
              title={session.health.reason}
              data-testid={`session-health-${session.key}`}
            >
              {session.health.state === 'ok' ? 'usable' : session.health.state}
            </Badge>
          )}
          <Badge color={stateColor[session.state]}>{session.state}</Badge>
        </Group>
      </Group>
      <Stack gap={0} mt={4}>
        <Text size="sm" className="tabular">
          {session.width} × {session.height}
        </Text>
        <Text size="sm" className="tabular">
          {session.connectedAt
            ? `Connected since ${dateTime(session.connectedAt)} (${duration(now - session.connectedAt)})`
            : `Since ${dateTime(session.since)}`}
        </Text>
        <Text size="sm">Reconnects: {session.reconnects}</Text>
        {session.busy && (
          <Text size="sm" className="tabular" data-testid={`session-busy-${session.key}`}>
            Task running {duration(now - session.busy.since)}: the screen changed at{' '}
            {session.busy.changedLooks} of {session.busy.looks} looks, last{' '}
            {duration(Math.max(0, now - session.busy.changedAt))} ago
          </Text>
        )}
        <Text
          size="sm"
          c={
            session.error || session.blocked || (session.health && session.health.state !== 'ok')
              ? 'red'
              : 'dimmed'
          }
          lineClamp={2}
          h={40}
        >
          {session.blocked ??
            session.error ??
            (session.health && session.health.state !== 'ok' ? session.health.reason : ' ')}
        </Text>
      </Stack>
    </Card>
  );
}

/** Every session with a live picture of its desktop (view only: no input is ever sent). */
export function SessionsView() {
  const sessions = useLive((store) => store.state?.sessions);
  const now = useServerNow();
  const [enlarged, setEnlarged] = useState<string>();
  const big = sessions?.find((s) => s.key === enlarged);

  return (
    <Stack gap="md">
      <Title order={2}>Live sessions</Title>
      {!sessions?.length ? (
        <Text>No session now. Sessions open when a runner has work and its host is up.</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {sessions.map((session) => (
            <SessionCard
              key={session.key}
              session={session}
              now={now}
              onEnlarge={() => setEnlarged(session.key)}
            />
          ))}
        </SimpleGrid>
      )}
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={big !== undefined}
        onClose={() => setEnlarged(undefined)}
        size="80%"
        title={big ? `${big.user} @ ${big.hostId} — ${big.width} × ${big.height} (view only)` : ''}
      >
        {big && (
          <Screen session={big} maxWidth={1600} label={`Screen of ${big.user} on ${big.hostId}, enlarged`} />
        )}
      </Modal>
    </Stack>
  );
}
