import { Button, Image, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ManagerEvent } from '../../../src-main/core/events.js';
import { useApi } from '../../api/ApiProvider.js';
import { errorText } from '../../lib/errors.js';

/** The session's screen kept with an event about its desktop's health, shown when asked for. */
export function EventScreen({ event }: { event: ManagerEvent }) {
  const api = useApi();
  const [url, setUrl] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [loading, setLoading] = useState(false);

  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  if (event.data?.screen !== true) return null;
  const show = async () => {
    setLoading(true);
    try {
      const png = await api.eventScreen({ eventId: event.id });
      setUrl(URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' })));
      setProblem(undefined);
    } catch (failure) {
      setProblem(errorText(failure));
    } finally {
      setLoading(false);
    }
  };
  return (
    <Stack gap={4} mt={4}>
      {url ? (
        <Image
          src={url}
          maw={320}
          radius="sm"
          alt={`The screen of ${event.sessionKey ?? 'the session'} when this was said`}
        />
      ) : (
        <Button
          size="compact-xs"
          variant="light"
          w="fit-content"
          loading={loading}
          onClick={() => void show()}
        >
          Show the screen
        </Button>
      )}
      {problem && (
        <Text size="xs" c="red" role="alert">
          {problem}
        </Text>
      )}
    </Stack>
  );
}
