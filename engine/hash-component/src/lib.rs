//! The hash module as a WebAssembly component
