//! regorus (the Rust Rego engine) running `benches/rego/std.rego`, the Rego encoding of the
//! standard library's obligations, prepared once and evaluated per document. Shared by the
//! benchmark and the agreement test.

#![allow(dead_code, reason = "shared by several test and benchmark binaries, each using part of it")]

use std::collections::BTreeMap;
use std::sync::Arc;

/// The rule holding `{obligation name: outcome}` for the input document.
pub const RULE: &str = "data.tenet.std.outcomes";

/// The policy file, relative to this crate.
pub const POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/rego/std.rego");

/// The most instructions the VM may execute for one document.
pub const MAX_INSTRUCTIONS: usize = 10_000_000;

/// How regorus evaluates.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// The tree-walking interpreter (`Engine::eval_rule`).
    Interpreter,
    /// The bytecode VM (`RegoVM`), the policy compiled once for the rule.
    Vm,
}

/// regorus with the policy loaded and `data.today` set.
pub enum Rego {
    Interpreter(Box<regorus::Engine>),
    Vm(Box<regorus::rvm::vm::RegoVM>),
}

type Error = Box<dyn std::error::Error>;

impl Rego {
    /// Loads and prepares the policy.
    pub fn new(mode: Mode, today: &str) -> Result<Rego, Error> {
        let mut engine = regorus::Engine::new();
        engine.add_policy(POLICY.to_string(), std::fs::read_to_string(POLICY)?)?;
        let data = regorus::Value::from_json_str(&format!("{{\"today\": \"{today}\"}}"))?;
        engine.add_data(data.clone())?;
        Ok(match mode {
            Mode::Interpreter => Rego::Interpreter(Box::new(engine)),
            Mode::Vm => {
                let compiled = engine.compile_with_entrypoint(&RULE.into())?;
                let program = regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[RULE])?;
                let mut vm = regorus::rvm::vm::RegoVM::new();
                // The default limit (25,000 instructions) is below what a document with a long
                // bias audit or many transfers takes; generated documents stay well under this.
                vm.set_max_instructions(MAX_INSTRUCTIONS);
                vm.load_program(Arc::clone(&program));
                vm.set_data(data)?;
                Rego::Vm(Box::new(vm))
            }
        })
    }

    /// Parses one JSON document and evaluates the rule on it.
    pub fn evaluate(&mut self, document: &str) -> Result<regorus::Value, Error> {
        self.evaluate_value(regorus::Value::from_json_str(document)?)
    }

    /// Evaluates the rule on a document already parsed into regorus's values.
    pub fn evaluate_value(&mut self, document: regorus::Value) -> Result<regorus::Value, Error> {
        Ok(match self {
            Rego::Interpreter(engine) => {
                engine.set_input(document);
                engine.eval_rule(RULE.to_string())?
            }
            Rego::Vm(vm) => {
                vm.set_input(document);
                vm.execute_entry_point_by_name(RULE)?
            }
        })
    }

    /// The outcome of every obligation for one document, by qualified name.
    pub fn outcomes(&mut self, document: &str) -> Result<BTreeMap<String, String>, Error> {
        let value = self.evaluate(document)?;
        let mut out = BTreeMap::new();
        if value == regorus::Value::Undefined {
            return Ok(out);
        }
        for (name, outcome) in value.as_object()?.iter() {
            out.insert(name.as_string()?.to_string(), outcome.as_string()?.to_string());
        }
        Ok(out)
    }
}
