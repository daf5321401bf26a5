import { Button } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider.js';
import { errorText } from '../../lib/errors.js';
import { useLive } from '../../store/live-store.js';

/**
 * The operator's Retry for one host: forgets its failure, back-off and blocked sessions (the
 * `retryHost` operation), then shows the state the service answers with.
 */
export function RetryButton({ hostId }: { hostId: string }) {
  const api = useApi();
  const receiveState = useLive((live) => live.receiveState);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const retry = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.retryHost({ hostId });
      receiveState(await api.getState(), Date.now());
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="xs" variant="light" color="red" loading={busy} onClick={() => void retry()} title={error}>
      {error ? 'Retry failed: try again' : 'Retry'}
    </Button>
  );
}
