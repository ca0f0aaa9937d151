"""Text out of pictures: phone photos, scanned PDF pages. Tesseract (Debian's tesseract-ocr,
English and Spanish data) through pytesseract, after the page is put upright and straight.

1. Orientation: Tesseract's own detection (OSD) says by how many quarter turns the text lies.
2. Skew: a photo taken by hand is a few degrees off. The angle whose rows of ink are sharpest
   (the largest variance of the row sums: text lines against the gaps between them) is the one
   that straightens it; measured on a small copy, so it costs milliseconds.
3. Uneven light is left to Tesseract's adaptive (Sauvola) thresholding, which binarizes each
   region against its own background instead of one threshold for the whole page.

Every line keeps its page number and the mean confidence of its words (0-100).
"""

from __future__ import annotations

import io
import os
import re
import shutil

from .model import DocumentRefused, ExtractedDocument, Line

LANGUAGES = "eng+spa"
# Pages are read at this resolution: enough for 10-point type, little enough to stay fast.
RENDER_DPI = 200
_TESSERACT_CONFIG = "--psm 3 -c thresholding_method=2"
# A photo is scaled so its longer side is at most this before OCR (a 12-megapixel phone photo
# is read as well at this size, several times faster).
MAX_OCR_SIDE = 2600


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def _require_tesseract(name: str) -> None:
    if not tesseract_available():
        raise DocumentRefused(f"{name}: this is a photo or a scan, and reading it needs Tesseract "
                              "OCR, which is not installed here (apt-get install tesseract-ocr "
                              "tesseract-ocr-eng tesseract-ocr-spa tesseract-ocr-osd)")


def open_image(name: str, data: bytes, max_pixels: int):
    """A Pillow image, refused by its declared size before any pixel is decoded."""
    from PIL import Image

    _register_heif()
    Image.MAX_IMAGE_PIXELS = None  # the limit below is ours, and says so in plain words
    try:
        image = Image.open(io.BytesIO(data))
    except Exception:
        raise DocumentRefused(f"{name}: not a readable image (PNG, JPEG, HEIC)") from None
    width, height = image.size
    if width * height > max_pixels:
        raise DocumentRefused(f"{name}: the image is {width:,} x {height:,} pixels; at most "
                              f"{max_pixels:,} pixels are read (take the photo at a normal size)")
    try:
        from PIL import ImageOps

        image = ImageOps.exif_transpose(image)  # a phone's "rotate on display" flag
        image.load()
    except Exception:
        raise DocumentRefused(f"{name}: the image could not be decoded") from None
    return image


def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # HEIC is then refused as unreadable, saying so
        return
    register_heif_opener()


def heic_supported() -> bool:
    try:
        import pillow_heif  # noqa: F401
    except ImportError:
        return False
    return True


def upright(image):
    """The image turned by Tesseract's orientation detection, then straightened."""
    import pytesseract
    from PIL import Image

    gray = image.convert("L")
    if max(gray.size) > MAX_OCR_SIDE:
        gray.thumbnail((MAX_OCR_SIDE, MAX_OCR_SIDE), Image.LANCZOS)
    try:
        osd = pytesseract.image_to_osd(_osd_copy(gray), config="--psm 0",
                                       output_type=pytesseract.Output.DICT)
        rotate = int(osd.get("rotate", 0)) % 360
    except pytesseract.TesseractError:  # too little text to tell: read it as it is
        rotate = 0
    if rotate:
        # OSD's "rotate" is clockwise; Pillow turns counter-clockwise.
        gray = gray.rotate(-rotate, expand=True)
    angle = skew_angle(gray)
    if angle:
        gray = gray.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    return gray


def _osd_copy(gray):
    """OSD needs whole characters but not detail: a copy at most 1600 pixels is enough."""
    copy = gray.copy()
    copy.thumbnail((1600, 1600))
    return copy


def skew_angle(gray) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines horizontal."""
    from PIL import Image, ImageChops, ImageFilter

    small = gray.copy()
    small.thumbnail((800, 800))
    # Ink is what is darker than the paper around it (the paper's brightness taken by a maximum
    # filter wider than a stroke), so a shadow or a dark border is not ink.
    paper = small.filter(ImageFilter.MaxFilter(9))
    ink = ImageChops.subtract(paper, small).point(lambda v: 255 if v > 40 else 0)

    def sharpness(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.NEAREST, expand=False)
        rows = list(turned.resize((1, turned.height), Image.BOX).tobytes())
        mean = sum(rows) / len(rows)
        return sum((value - mean) ** 2 for value in rows)

    def sharpest(angles):
        return max(angles, key=lambda angle: (sharpness(angle), -abs(angle)))

    coarse = sharpest([float(step) for step in range(-8, 9)])  # whole degrees, then quarters
    best = sharpest([coarse + step / 4 for step in range(-3, 4)])
    return best if abs(best) >= 0.5 else 0.0


def ocr_image(gray, page: int) -> list[Line]:
    """Tesseract's words grouped into its lines, each with the mean word confidence."""
    import pytesseract

    data = pytesseract.image_to_data(gray, lang=LANGUAGES, config=_TESSERACT_CONFIG,
                                     output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for index, word in enumerate(data["text"]):
        word = (word or "").strip()
        confidence = float(data["conf"][index])
        if not word or confidence < 0:
            continue
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        lines.setdefault(key, []).append((word, confidence))
    result = []
    for words in lines.values():
        text = re.sub(r"\s+", " ", " ".join(word for word, _ in words)).strip()
        if text:
            confidence = sum(conf for _, conf in words) / len(words)
            result.append(Line(text=text, page=page, confidence=round(confidence, 1)))
    return result


def read_image(name: str, data: bytes, max_pixels: int) -> ExtractedDocument:
    _require_tesseract(name)
    image = open_image(name, data, max_pixels)
    frames = getattr(image, "n_frames", 1)
    document = ExtractedDocument(name=name, method="ocr", pages=1)
    document.lines = ocr_image(upright(image), 1)
    if frames > 1:
        document.warnings.append("only the first image of a multi-image file was read")
    _warn_if_empty(document)
    return document


def ocr_pdf_pages(name: str, data: bytes, pages: list[int], max_pixels: int) -> list[Line]:
    """OCR of the given (1-based) pages of a PDF, rendered by PDFium."""
    import pypdfium2 as pdfium

    _require_tesseract(name)
    pdf = pdfium.PdfDocument(data)
    lines: list[Line] = []
    try:
        for number in pages:
            page = pdf[number - 1]
            width, height = page.get_size()  # points: 72 a inch
            scale = RENDER_DPI / 72
            if width * height * scale * scale > max_pixels:
                scale = (max_pixels / (width * height)) ** 0.5
            image = page.render(scale=scale, grayscale=True).to_pil()
            page.close()
            lines.extend(ocr_image(upright(image), number))
    finally:
        pdf.close()
    return lines


def _warn_if_empty(document: ExtractedDocument) -> None:
    if not document.lines:
        document.warnings.append("no text could be read: take the photo again, flat and in "
                                 "good light")


def limit_threads() -> None:
    """Tesseract's OpenMP threads fight over a small machine's cores: one each."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
