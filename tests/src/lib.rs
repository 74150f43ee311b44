//! End-to-end tests across host, modules and clients
