// Imported first by main.tsx and built as its own chunk, so this runs before the app chunk is evaluated.
import { startPageEarlyFetches } from './early-fetch.js';

startPageEarlyFetches(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_ANON_KEY);
