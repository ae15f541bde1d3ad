//! The built-in Muscat scenario has the structure issue 5 asks for.

#[test]
fn muscat_has_the_actors_issues_events_and_protocol_of_the_seeds() {
    let s = detente_core::builtin::muscat();
    assert!(s.actors.len() >= 8);
    for id in [
        "iran",
        "usa",
        "oman",
        "israel",
        "gulf",
        "russia",
        "iaea",
        "iran_hardliners",
        "us_hawks",
    ] {
        assert!(s.actor_index(id).is_some(), "actor {id}");
    }
    assert!(s.issues.len() >= 7);
    for id in [
        "enrichment_level",
        "enrichment_location",
        "stockpile",
        "inspections",
        "sanctions_relief",
        "agenda_scope",
        "guarantees",
    ] {
        assert!(s.issue_index(id).is_some(), "issue {id}");
    }
    for id in [
        "muscat_round_1",
        "petroleum_sanctions",
        "netanyahu_visit",
        "larijani_moscow",
        "carrier_groups",
        "exercises_postponed",
        "second_round",
    ] {
        assert!(s.events.iter().any(|e| e.id == id), "event {id}");
    }
    assert_eq!(s.protocol.mediator.as_deref(), Some("oman"));
    assert!(s.protocol.indirect);
    assert!(
        s.issues.iter().any(|i| !i.off_agenda_for.is_empty()),
        "an issue off someone's agenda"
    );
    assert!(
        !s.uncertain_params().is_empty(),
        "uncertainty where the seeds are vague"
    );
}
