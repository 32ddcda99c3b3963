// One request at a time per mutation: a second click that lands before React re-renders the
// disabled button (react-query notifies observers on a later tick) is ignored, not sent twice.
import { useRef } from 'react';
import type { UseMutationResult } from '@tanstack/react-query';

export function useSingleFlight<TData, TVars>(mutation: UseMutationResult<TData, Error, TVars>): (vars: TVars) => void {
  const busy = useRef(false);
  return (vars: TVars) => {
    if (busy.current) return;
    busy.current = true;
    mutation.mutate(vars, {
      onSettled: () => {
        busy.current = false;
      },
    });
  };
}
