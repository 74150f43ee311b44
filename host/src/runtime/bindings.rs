//! Host-side bindings generated from `wit/grace-module.wit` (world `module`).
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "module",
    exports: { default: async },
});
