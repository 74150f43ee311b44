//! OCR library: decoding, DBNet detection, line orientation, CRNN+CTC recognition, reading order
