//! Reading files people bring: station ledgers (台账) exported from Excel or WPS.

pub mod visits;

use crate::i18n::Lang;

/// Text from a file in UTF-8 (with or without BOM) or GBK, Excel's Chinese default.
pub fn decode(bytes: &[u8], lang: Lang) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|_| {
            lang.pick(
                "文件以UTF-8标记开头,但内容不是UTF-8",
                "file starts with a UTF-8 mark but is not UTF-8",
            )
            .into()
        });
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, _, had_errors) = encoding_rs::GBK.decode(bytes);
    if had_errors {
        return Err(lang
            .pick(
                "文件编码无法识别:既不是UTF-8也不是GBK",
                "unknown encoding: neither UTF-8 nor GBK",
            )
            .into());
    }
    Ok(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_and_gbk_all_decode() {
        assert_eq!(decode("姓名".as_bytes(), Lang::Zh).unwrap(), "姓名");
        assert_eq!(
            decode(b"\xEF\xBB\xBF\xE5\xA7\x93\xE5\x90\x8D", Lang::Zh).unwrap(),
            "姓名"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,电话");
        assert_eq!(decode(&gbk, Lang::Zh).unwrap(), "姓名,电话");
        assert!(decode(b"\xFF\xFF\xFF", Lang::Zh).is_err());
    }
}
