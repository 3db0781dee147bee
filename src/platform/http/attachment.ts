/** A file download: the body with its type and a `Content-Disposition` whose name cannot break the header. */
export function attachment(
  body: ConstructorParameters<typeof Response>[0],
  contentType: string,
  filename: string,
): Response {
  return new Response(body, {
    headers: {
      'Content-Type': contentType,
      'Content-Disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    },
  });
}
