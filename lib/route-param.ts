// A dynamic route segment as the page should use it. Next.js hands pages their params already
// decoded, so decoding again fails on a name that holds "%" (the fuzz suite's /models/%25zz threw
// URIError); such a value is kept as it is and then refused by the name's own validation.
export function routeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
