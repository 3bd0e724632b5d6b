import { type ComponentProps, lazy, Suspense } from 'react';

const Picker = lazy(() => import('./EmojiPicker.js').then((m) => ({ default: m.EmojiPicker })));

/** The emoji picker, loaded the first time someone opens it (its data set loads lazily too). */
export function EmojiPicker(props: ComponentProps<typeof Picker>) {
  return (
    <Suspense fallback={null}>
      <Picker {...props} />
    </Suspense>
  );
}
