//! Chinese numerals as they appear in outline markers (`十二、`, `（三）`, `十一是`).

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// True for the characters that make up numerals 1–99.
pub fn is_numeral_char(c: char) -> bool {
    c == '十' || DIGITS.contains(&c) || c == '〇'
}

fn digit_value(c: char) -> Option<u32> {
    if c == '〇' {
        return Some(0);
    }
    DIGITS.iter().position(|&d| d == c).map(|v| v as u32)
}

/// The value of a Chinese numeral from 1 to 99 (`一`, `十`, `十二`, `二十`, `九十九`).
pub fn parse_chinese(numeral: &str) -> Option<u32> {
    let chars: Vec<char> = numeral.chars().collect();
    let value = match chars.as_slice() {
        [d] if *d != '十' => digit_value(*d)?,
        ['十'] => 10,
        ['十', ones] => 10 + digit_value(*ones)?,
        [tens, '十'] => digit_value(*tens)? * 10,
        [tens, '十', ones] => digit_value(*tens)? * 10 + digit_value(*ones)?,
        _ => return None,
    };
    (1..=99).contains(&value).then_some(value)
}

/// The Chinese numeral for 1–99, the inverse of [`parse_chinese`]; `None` outside that range.
pub fn to_chinese(value: u32) -> Option<String> {
    if !(1..=99).contains(&value) {
        return None;
    }
    let (tens, ones) = (value / 10, value % 10);
    let mut numeral = String::new();
    if tens > 1 {
        numeral.push(DIGITS[tens as usize]);
    }
    if tens >= 1 {
        numeral.push('十');
    }
    if ones > 0 || tens == 0 {
        numeral.push(DIGITS[ones as usize]);
    }
    Some(numeral)
}

/// Parses a number written in Chinese or in ASCII/full-width digits (`三`, `3`, `３`).
pub fn parse_any(number: &str) -> Option<u32> {
    let ascii: String = number
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    if !ascii.is_empty() && ascii.chars().all(|c| c.is_ascii_digit()) {
        return ascii.parse().ok().filter(|&v| v > 0);
    }
    parse_chinese(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numerals_of_outline_markers() {
        for (numeral, value) in [
            ("一", 1),
            ("九", 9),
            ("十", 10),
            ("十一", 11),
            ("二十", 20),
            ("二十三", 23),
        ] {
            assert_eq!(parse_chinese(numeral), Some(value), "{numeral}");
            assert_eq!(to_chinese(value).as_deref(), Some(numeral));
        }
        for outside in [0, 100, 101, 1000, u32::MAX] {
            assert_eq!(to_chinese(outside), None);
        }
        assert_eq!(parse_chinese("零"), None);
        assert_eq!(parse_chinese("一二"), None);
        assert_eq!(parse_chinese(""), None);
    }

    #[test]
    fn parses_digits_of_any_width() {
        assert_eq!(parse_any("3"), Some(3));
        assert_eq!(parse_any("３"), Some(3));
        assert_eq!(parse_any("三"), Some(3));
        assert_eq!(parse_any("0"), None);
        assert_eq!(parse_any("x"), None);
    }
}
