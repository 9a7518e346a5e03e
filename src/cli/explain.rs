//! `gpdata explain`: why each flow got its decision.

use crate::diag;
use crate::explain;
use crate::policy;
use crate::register;
use crate::suggest;

use super::{Exit, ExplainArgs, eprint, error, load_policy, print, stderr_is_terminal};

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
    let loaded = crate::validate::load_path_with(&args.file, &env);
    let Some(register) = loaded.register else {
        eprint(&diag::render_human(&loaded.diags, stderr_is_terminal()));
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
                    None => format!("; its flows are {}", suggest::and_list(&ids)),
                };
                error(&format!("`{}` has no flow `{id}`{hint}", loaded.name));
                return Exit::Usage;
            }
        },
        None => register.flows.iter().collect(),
    };
    let mut out = String::new();
    for (i, flow) in flows.iter().enumerate() {
        if i > 0 {
            out.push_str("\n----\n\n");
        }
        let decision = policy::decide(&policy, flow, today);
        out.push_str(&explain::explain(
            &loaded.name,
            flow,
            &decision,
            &policy,
            env.catalogue,
        ));
    }
    print(&out);
    Exit::Ok
}
