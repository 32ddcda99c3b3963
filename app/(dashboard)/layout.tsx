import type { ReactNode } from 'react';
import { requireUser } from '@/lib/http/page';

// Dashboard pages need the signed-in admin; each page checks too (a client navigation can
// re-render a page without its layout).
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  await requireUser();
  return children;
}
