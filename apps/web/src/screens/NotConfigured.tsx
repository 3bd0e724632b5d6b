export function NotConfigured() {
  return (
    <main className="centered-card">
      <h1>Harmony is not configured</h1>
      <p>
        Set <code>VITE_SUPABASE_URL</code> and <code>VITE_SUPABASE_ANON_KEY</code> for this build, or run{' '}
        <code>pnpm dev</code>, which starts the local stack and sets both.
      </p>
    </main>
  );
}
