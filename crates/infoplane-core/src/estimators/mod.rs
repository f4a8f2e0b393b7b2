//! Mutual-information estimators: pure functions of a layer's activations
//! (one row per input, one column per unit) and the inputs' labels. All
//! results are in bits.
