//! Enums whose values are the choices of a parameter: each variant's name is
//! written once, in the [`choices!`](crate::choices) declaration, and the
//! parameter table, parsing, printing and JSON all use that name. A new
//! variant therefore appears in the table at once, and every `match` on the
//! enum fails to compile until it handles it.

/// A fieldless enum whose variants are named choices.
pub trait Choice: Copy + Eq + std::fmt::Debug + Sized + 'static {
    /// Every variant, in declaration (menu) order.
    const ALL: &'static [Self];
    /// Their names, in the same order.
    const NAMES: &'static [&'static str];

    /// The variant's name.
    fn name(self) -> &'static str;

    /// The variant called `name` (exact, case-sensitive).
    fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }
}

/// Declares a fieldless enum of named choices: `Variant = "name"`. Derives
/// the usual traits, implements [`Choice`], `Display` and serde (as the
/// name). Doc comments and attributes on the enum and variants pass through.
#[macro_export]
macro_rules! choices {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        #[allow(dead_code)]
        impl $name {
            /// Every variant, in menu order.
            pub const ALL: &'static [Self] = &[$($name::$variant),+];
            /// The variants' names, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The variant's name (in URLs, the CLI and JSON).
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The variant called `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                <Self as $crate::choice::Choice>::from_name(name)
            }
        }

        impl $crate::choice::Choice for $name {
            const ALL: &'static [Self] = $name::ALL;
            const NAMES: &'static [&'static str] = $name::NAMES;
            fn name(self) -> &'static str {
                $name::name(self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::choice::Choice::name(*self))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::choice::Choice::name(*self))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                <$name as $crate::choice::Choice>::from_name(&s).ok_or_else(|| {
                    ::serde::de::Error::unknown_variant(
                        &s,
                        <$name as $crate::choice::Choice>::NAMES,
                    )
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::choices! {
        /// A test enum.
        enum Fruit {
            /// First.
            Apple = "apple",
            Pear = "pear-tree",
        }
    }

    #[test]
    fn names_are_declared_once_and_round_trip() {
        assert_eq!(Fruit::NAMES, &["apple", "pear-tree"]);
        assert_eq!(Fruit::ALL, &[Fruit::Apple, Fruit::Pear]);
        assert_eq!(Fruit::from_name("pear-tree"), Some(Fruit::Pear));
        assert_eq!(Fruit::from_name("Pear"), None);
        assert_eq!(Fruit::Apple.to_string(), "apple");
        assert_eq!(
            serde_json::to_string(&Fruit::Pear).unwrap(),
            "\"pear-tree\""
        );
        assert_eq!(
            serde_json::from_str::<Fruit>("\"apple\"").unwrap(),
            Fruit::Apple
        );
        let e = serde_json::from_str::<Fruit>("\"plum\"").unwrap_err();
        assert!(e.to_string().contains("unknown variant `plum`"), "{e}");
    }
}
