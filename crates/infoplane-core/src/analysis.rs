//! Verdicts on runs: pure functions of records that say what a run shows
//! (phase transitions, crossings, compression), for the letter page.
