import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">There is no such model or version.</p>
      <Link href="/" className="mt-6 inline-block text-sm font-medium text-slate-900 underline">
        Back to models
      </Link>
    </div>
  );
}
