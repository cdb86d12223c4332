//! tenet-db
