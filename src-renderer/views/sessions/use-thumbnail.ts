import { useEffect, useState } from 'react';
import { useApi } from '../../api/ApiProvider.js';
import { errorText } from '../../lib/errors.js';

const thumbnailRefreshMs = 4000;

/** A live session's screen as an object URL, fetched again every few seconds while `live`. */
export function useThumbnail(sessionKey: string, maxWidth: number, live: boolean) {
  const api = useApi();
  const [url, setUrl] = useState<string>();
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    if (!live) return;
    let stopped = false;
    let current: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const png = await api.thumbnail({ sessionKey, maxWidth });
        if (stopped) return;
        const next = URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
        setUrl(next);
        setProblem(undefined);
        if (current) URL.revokeObjectURL(current);
        current = next;
      } catch (error) {
        if (!stopped) setProblem(errorText(error));
      }
      if (!stopped) timer = setTimeout(load, thumbnailRefreshMs);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
      if (current) URL.revokeObjectURL(current);
    };
  }, [api, sessionKey, maxWidth, live]);

  return { url: live ? url : undefined, problem };
}
