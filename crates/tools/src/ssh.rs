//! `ssh` and `ansible-playbook` (to be written).

use lab_engine::{CommandError, World};

use crate::{Output, Reply};

pub(crate) fn ssh(_world: &World, _words: &[&str]) -> Reply {
    Reply::Print(Output::error("ssh: not yet\n"))
}

pub(crate) fn ansible_playbook(_world: &World, _words: &[&str]) -> Reply {
    Reply::Print(Output::error("ansible-playbook: not yet\n"))
}

pub(crate) fn refused(error: &CommandError) -> String {
    format!("{error}\n")
}
