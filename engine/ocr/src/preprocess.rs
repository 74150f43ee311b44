//! Turning images into model input tensors: resizing and normalization.

use image::imageops::{self, FilterType};
use image::RgbImage;
use tract_onnx::prelude::*;

/// Per-channel normalization `(pixel / 255 - mean) / std`, in model channel order.
#[derive(Debug, Clone, Copy)]
pub struct Normalization {
    /// Mean per model channel.
    pub mean: [f32; 3],
    /// Standard deviation per model channel.
    pub std: [f32; 3],
    /// Whether the model expects BGR channel order (PaddleOCR models do).
    pub bgr: bool,
}

/// PaddleOCR detection and recognition normalization: BGR, mean 0.5, std 0.5.
pub const PADDLE_HALF: Normalization = Normalization {
    mean: [0.5; 3],
    std: [0.5; 3],
    bgr: true,
};

/// ImageNet normalization in RGB order, as PaddleClas-trained classifiers use it.
pub const IMAGENET_RGB: Normalization = Normalization {
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    bgr: false,
};

/// Resizes with a bilinear filter (deterministic, no SIMD-dependent rounding).
pub fn resize(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    if image.dimensions() == (width, height) {
        return image.clone();
    }
    imageops::resize(image, width.max(1), height.max(1), FilterType::Triangle)
}

/// Builds a `[1, 3, canvas_h, canvas_w]` tensor with `image` at the top-left
/// and the rest filled with `pad` (a value in normalized units).
pub fn to_tensor(
    image: &RgbImage,
    canvas_w: usize,
    canvas_h: usize,
    norm: Normalization,
    pad: f32,
) -> Tensor {
    let mut data = vec![pad; 3 * canvas_h * canvas_w];
    let plane = canvas_h * canvas_w;
    let scale: [f32; 3] = std::array::from_fn(|c| 1.0 / (255.0 * norm.std[c]));
    let offset: [f32; 3] = std::array::from_fn(|c| norm.mean[c] / norm.std[c]);
    let w = (image.width() as usize).min(canvas_w);
    let h = (image.height() as usize).min(canvas_h);
    let raw = image.as_raw();
    let stride = image.width() as usize * 3;
    for y in 0..h {
        let row = &raw[y * stride..y * stride + w * 3];
        for x in 0..w {
            for c in 0..3 {
                let src = if norm.bgr { 2 - c } else { c };
                data[c * plane + y * canvas_w + x] =
                    f32::from(row[x * 3 + src]) * scale[c] - offset[c];
            }
        }
    }
    tract_ndarray::Array4::from_shape_vec((1, 3, canvas_h, canvas_w), data)
        .expect("buffer sized from the shape")
        .into_tensor()
}

/// The normalized value of a white pixel, used to pad canvases around documents.
pub fn white(norm: Normalization) -> f32 {
    (1.0 - norm.mean[0]) / norm.std[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tensor_layout_and_padding() {
        let img = RgbImage::from_pixel(2, 1, image::Rgb([255, 0, 0]));
        let t = to_tensor(&img, 4, 2, PADDLE_HALF, -7.0);
        assert_eq!(t.shape(), &[1, 3, 2, 4]);
        let v = t.to_plain_array_view::<f32>().unwrap();
        // BGR: channel 2 is red.
        assert_eq!(v[[0, 2, 0, 0]], 1.0);
        assert_eq!(v[[0, 0, 0, 0]], -1.0);
        assert_eq!(v[[0, 0, 1, 3]], -7.0);
    }
}
