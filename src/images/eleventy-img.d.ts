// The part of @11ty/eleventy-img (v6, untyped) that src/site/images.ts and the bench use.
declare module '@11ty/eleventy-img' {
  export interface ImageOptions {
    widths?: Array<number | 'auto' | null>;
    formats?: string[];
    outputDir?: string;
    urlPath?: string;
    sharpOptions?: Record<string, unknown>;
    sharpAvifOptions?: Record<string, unknown>;
    sharpWebpOptions?: Record<string, unknown>;
    sharpJpegOptions?: Record<string, unknown>;
    sharpPngOptions?: Record<string, unknown>;
    fixOrientation?: boolean;
    useCache?: boolean;
    filenameFormat?: (id: string, src: string, width: number, format: string) => string;
  }
  export interface ImageVariant {
    format: string;
    width: number;
    height: number;
    url: string;
    srcset: string;
    filename: string;
    outputPath: string;
    size: number;
  }
  function Image(src: string | Buffer, options?: ImageOptions): Promise<Record<string, ImageVariant[]>>;
  export default Image;
}
