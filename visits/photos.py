"""Visit photos: checked by their content (not their name or the browser's word), size-limited,
re-encoded without their metadata (a phone photo's EXIF carries the GPS position of the child's home)
and scaled down for weak connections."""

import contextlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 8 * 1024 * 1024  # as uploaded; phones take 3 to 6 MB photos
MAX_PHOTOS = 4
MAX_SIDE = 1600  # pixels, after scaling down
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass
class CheckedPhoto:
    content: bytes
    content_type: str


def sniff(head: bytes) -> str | None:
    """The image type by its first bytes (JPEG or PNG), or None."""
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def photo_check(upload: UploadedFile) -> CheckedPhoto:
    """Validate one upload and return it re-encoded, or raise ValidationError in Chinese."""
    name = upload.name or "照片"
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(f"{name}：照片不能超过 {MAX_PHOTO_BYTES // (1024 * 1024)} MB。")
    upload.seek(0)
    content_type = sniff(upload.read(8))
    if content_type is None:
        raise ValidationError(f"{name}：只能上传 JPEG 或 PNG 照片。")
    upload.seek(0)
    try:
        with _strict_decoding(), Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(f"{name}：照片像素过大。")
            image.load()
            return CheckedPhoto(content=_reencode(image, content_type), content_type=content_type)
    except Image.DecompressionBombError:
        raise ValidationError(f"{name}：照片像素过大。") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(f"{name}：照片文件已损坏，无法读取。") from None


@contextlib.contextmanager
def _strict_decoding():
    """A truncated photo is refused, not padded with grey: WeasyPrint, once imported, sets Pillow's
    process-wide LOAD_TRUNCATED_IMAGES (web and worker processes decode one image at a time)."""
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _reencode(image: Image.Image, content_type: str) -> bytes:
    image = ImageOps.exif_transpose(image)  # keep the orientation the phone meant, drop the EXIF
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    if content_type == "image/png":
        image.save(buffer, format="PNG", optimize=True)
    else:
        image.convert("RGB").save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def photos_check(uploads: list[UploadedFile]) -> list[CheckedPhoto]:
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(f"每次走访最多上传 {MAX_PHOTOS} 张照片。")
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(photo_check(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked
