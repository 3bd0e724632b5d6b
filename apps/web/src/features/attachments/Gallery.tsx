import Lightbox from 'yet-another-react-lightbox';
import Counter from 'yet-another-react-lightbox/plugins/counter';
import 'yet-another-react-lightbox/styles.css';
import 'yet-another-react-lightbox/plugins/counter.css';

export interface GallerySlide {
  src: string;
  alt: string;
  width?: number;
  height?: number;
  path: string;
}

/** Full-screen images: arrows and swipes move through the channel's images, Escape closes. */
export default function Gallery({
  slides,
  index,
  onClose,
}: {
  slides: GallerySlide[];
  index: number;
  onClose(): void;
}) {
  return (
    <Lightbox
      open
      close={onClose}
      index={index}
      slides={slides}
      plugins={[Counter]}
      carousel={{ finite: true }}
      controller={{ closeOnBackdropClick: true }}
      labels={{ Lightbox: 'Image gallery', Carousel: 'Images', Slide: 'Image' }}
    />
  );
}
