//! The ocr module as a WebAssembly component
