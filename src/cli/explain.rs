//! `gpdata explain`: why each flow got its decision.

use crate::discover::Input;
use crate::english;
use crate::explain;
use crate::policy;
use crate::register;
use crate::suggest;

use super::args::{ExplainArgs, ExplainFormat};
use super::{Exit, eprint_diagnostics, error, load_policy, print};

pub(super) fn run(args: &ExplainArgs) -> Exit {
    let Some(policy) = load_policy(&args.policy) else {
        return Exit::InputErrors;
    };
    let Some(catalogue) = args.catalogue.load() else {
        return Exit::InputErrors;
    };
    let env = crate::validate::Env {
        today: args.date.today(),
        catalogue,
    };
    let today = env.today;
    let input = if args.file.as_os_str() == "-" {
        Input::Stdin
    } else {
        Input::File(args.file.clone())
    };
    let loaded = input.load(&env);
    let Some(register) = loaded.register else {
        eprint_diagnostics(&loaded.diags);
        error(&format!(
            "`{}` has errors; fix them (see `gpdata check`) before asking for explanations",
            loaded.name
        ));
        return Exit::InputErrors;
    };
    let flows: Vec<&register::Flow> = match &args.flow {
        Some(id) => match register.flows.iter().find(|f| &f.id == id) {
            Some(flow) => vec![flow],
            None => {
                let ids: Vec<&str> = register.flows.iter().map(|f| f.id.as_str()).collect();
                let hint = match suggest::closest(id, ids.iter().copied()) {
                    Some(best) => format!("; did you mean `{best}`?"),
                    None => format!("; its flows are {}", english::and_list(&ids)),
                };
                error(&format!("`{}` has no flow `{id}`{hint}", loaded.name));
                return Exit::CannotRun;
            }
        },
        None => register.flows.iter().collect(),
    };
    let decided: Vec<(&register::Flow, policy::Decision)> = flows
        .into_iter()
        .map(|flow| (flow, policy::decide(&policy, flow, today)))
        .collect();
    match args.format {
        ExplainFormat::Text => {
            let mut out = String::new();
            for (i, (flow, decision)) in decided.iter().enumerate() {
                if i > 0 {
                    out.push_str("\n----\n\n");
                }
                out.push_str(&explain::explain(
                    &loaded.name,
                    flow,
                    decision,
                    &policy,
                    env.catalogue,
                ));
            }
            print(&out);
        }
        ExplainFormat::Json => print(&explain::json(
            &loaded.name,
            &decided,
            &policy,
            env.catalogue,
            today,
        )),
    }
    Exit::Ok
}
