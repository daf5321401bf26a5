import { useEffect, useState } from 'react';
import { useLive } from '../store/live-store.js';

/** The service's clock, ticking once a second: elapsed times and countdowns agree with the server's. */
export function useServerNow(): number {
  const offset = useLive((store) => store.clockOffset);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now + offset;
}
