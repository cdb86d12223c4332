//! tenet-eval
