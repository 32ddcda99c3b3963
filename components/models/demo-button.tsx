'use client';
// The empty state's shortcut: create the demo model (30 days of drifting traffic) and open it.
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { api } from '@/lib/query/api-client';

export function DemoButton() {
  const router = useRouter();
  const demo = useMutation({
    mutationFn: api.createDemo,
    onSuccess: ({ model }) => router.push(`/models/${model}/monitoring`),
    onError: (err) => toast.error(err.message),
  });
  return (
    <Button variant="secondary" onClick={() => demo.mutate()} disabled={demo.isPending}>
      {demo.isPending ? 'Creating the demo…' : 'Or load a demo model with 30 days of traffic'}
    </Button>
  );
}
