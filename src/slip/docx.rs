//! A minimal WordprocessingML package (.docx), written by hand: the parts Word and WPS need
//! to open a one-page document ([Content_Types].xml, the package and document
//! relationships, word/styles.xml, word/document.xml), deflated into a zip. Text from the
//! data is made XML-safe here: whitespace runs become one space, characters that drive a
//! terminal (and the two non-characters XML forbids) are dropped, markup is escaped;
//! `clean` also trims the data and folds its runs of whitespace.

use std::io::Write as _;
use std::path::Path;

use crate::domain::control::drives_terminal;
use crate::i18n::Lang;

/// A4 in twentieths of a point (twips), with 2 cm margins left and right and 1.5 cm top
/// and bottom: the text is 9638 wide.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN: u32 = 1134;
const MARGIN_TB: u32 = 850;
pub const TEXT_WIDTH: u32 = PAGE_W - 2 * MARGIN;
/// Every line of body text is exactly 14 pt high, whatever font the reader substitutes
/// for 宋体 (their line heights differ by a third): the page holds what it was made for.
const BODY_LINE: u32 = 280;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Text {
        text: String,
        bold: bool,
        /// Half-points (21 is 10.5 pt, 五号); `None`: the document's size.
        size: Option<u32>,
        /// The heading face (黑体) for Chinese, instead of the body's 宋体.
        heading: bool,
    },
    /// To the paragraph's right tab stop (the right margin).
    Tab,
}

impl Run {
    pub fn text(text: impl Into<String>) -> Run {
        Run::Text {
            text: text.into(),
            bold: false,
            size: None,
            heading: false,
        }
    }

    pub fn bold(text: impl Into<String>) -> Run {
        Run::Text {
            text: text.into(),
            bold: true,
            size: None,
            heading: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Para {
    pub runs: Vec<Run>,
    pub align: Align,
    /// A dashed rule above (where the return slip is cut off).
    pub cut_above: bool,
    /// Twips of space before.
    pub space_before: u32,
    /// Twips the lines after the first are indented by (a numbered list's hanging indent).
    pub hanging: u32,
    /// A right tab stop at the right margin.
    pub right_tab: bool,
    /// The exact height of its lines in twips, for large text; `None`: the body's.
    pub line: Option<u32>,
}

impl Para {
    pub fn new(runs: Vec<Run>) -> Para {
        Para {
            runs,
            ..Para::default()
        }
    }

    pub fn text(text: impl Into<String>) -> Para {
        Para::new(vec![Run::text(text)])
    }

    /// A centred heading in the heading face, `size` in half-points.
    pub fn title(text: impl Into<String>, size: u32) -> Para {
        Para {
            runs: vec![Run::Text {
                text: text.into(),
                bold: true,
                size: Some(size),
                heading: true,
            }],
            align: Align::Center,
            // Lines half as high again as the text.
            line: Some(size * 15),
            ..Para::default()
        }
    }

    /// A section heading: bold, with a little space before.
    pub fn heading(text: impl Into<String>) -> Para {
        Para {
            runs: vec![Run::Text {
                text: text.into(),
                bold: true,
                size: None,
                heading: true,
            }],
            space_before: 120,
            ..Para::default()
        }
    }
}

/// Text as it may stand in a document: on one line (newlines and tabs, and runs of
/// spaces, become one space), without terminal controls, bidi overrides or the
/// non-characters XML forbids, and trimmed.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() && c != '\u{3000}' {
            space = !out.is_empty();
            continue;
        }
        if drives_terminal(c) || matches!(c, '\u{fffe}' | '\u{ffff}') {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// Text with XML's five special characters escaped, on one line, and without what
/// `clean` drops; its spaces are kept as they are (a label's, a form's blanks).
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if drives_terminal(c) || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const BODY_FONT: &str = "宋体";
const HEADING_FONT: &str = "黑体";
const LATIN_FONT: &str = "Times New Roman";

fn run_xml(out: &mut String, run: &Run) {
    match run {
        Run::Tab => out.push_str("<w:r><w:tab/></w:r>"),
        Run::Text {
            text,
            bold,
            size,
            heading,
        } => {
            out.push_str("<w:r>");
            if *bold || *heading || size.is_some() {
                // Properties in the schema's order: fonts, bold, size.
                out.push_str("<w:rPr>");
                if *heading {
                    out.push_str(&format!(
                        "<w:rFonts w:eastAsia=\"{HEADING_FONT}\" w:hint=\"eastAsia\"/>"
                    ));
                }
                if *bold {
                    out.push_str("<w:b/><w:bCs/>");
                }
                if let Some(sz) = size {
                    out.push_str(&format!("<w:sz w:val=\"{sz}\"/><w:szCs w:val=\"{sz}\"/>"));
                }
                out.push_str("</w:rPr>");
            }
            out.push_str(&format!(
                "<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                xml_text(text)
            ));
        }
    }
}

fn para_xml(out: &mut String, p: &Para) {
    out.push_str("<w:p><w:pPr>");
    // Paragraph properties in the schema's order: border, tabs, spacing, indent, alignment.
    if p.cut_above {
        out.push_str(
            "<w:pBdr><w:top w:val=\"dashed\" w:sz=\"8\" w:space=\"8\" w:color=\"auto\"/></w:pBdr>",
        );
    }
    if p.right_tab {
        out.push_str(&format!(
            "<w:tabs><w:tab w:val=\"right\" w:pos=\"{TEXT_WIDTH}\"/></w:tabs>"
        ));
    }
    if p.space_before > 0 || p.line.is_some() {
        out.push_str("<w:spacing");
        if p.space_before > 0 {
            out.push_str(&format!(" w:before=\"{}\"", p.space_before));
        }
        if let Some(line) = p.line {
            out.push_str(&format!(" w:line=\"{line}\" w:lineRule=\"exact\""));
        }
        out.push_str("/>");
    }
    if p.hanging > 0 {
        out.push_str(&format!(
            "<w:ind w:left=\"{0}\" w:hanging=\"{0}\"/>",
            p.hanging
        ));
    }
    if p.align == Align::Center {
        out.push_str("<w:jc w:val=\"center\"/>");
    }
    out.push_str("</w:pPr>");
    for r in &p.runs {
        run_xml(out, r);
    }
    out.push_str("</w:p>");
}

/// word/document.xml: the paragraphs on one A4 page.
pub fn document_xml(paras: &[Para]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"{W_NS}\"><w:body>"
    );
    for p in paras {
        para_xml(&mut out, p);
    }
    out.push_str(&format!(
        "<w:sectPr><w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>\
         <w:pgMar w:top=\"{MARGIN_TB}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN_TB}\" w:left=\"{MARGIN}\" \
         w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    ));
    out
}

/// word/styles.xml: 10.5 pt (五号) 宋体 for Chinese and Times New Roman for Latin text,
/// so WPS and Word both render the Chinese without substituting a font; lines 14 pt.
fn styles_xml(lang: Lang) -> String {
    let (val, hint) = match lang {
        Lang::Zh => ("zh-CN", " w:hint=\"eastAsia\""),
        Lang::En => ("en-US", ""),
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:styles xmlns:w=\"{W_NS}\"><w:docDefaults><w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"{LATIN_FONT}\" w:hAnsi=\"{LATIN_FONT}\" w:eastAsia=\"{BODY_FONT}\" w:cs=\"{LATIN_FONT}\"{hint}/>\
         <w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/><w:lang w:val=\"{val}\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/>\
         </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>\
         <w:spacing w:after=\"0\" w:line=\"{BODY_LINE}\" w:lineRule=\"exact\"/></w:pPr></w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         </w:styles>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
</Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

/// Writes the package to `path` (an empty file the caller made: see `outfile::write_new`).
/// The parts carry no time and no author: the same slip gives the same bytes.
pub fn write(path: &Path, paras: &[Para], lang: Lang) -> anyhow::Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", PACKAGE_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", styles_xml(lang)),
        ("word/document.xml", document_xml(paras)),
    ];
    for (name, body) in parts {
        zip.start_file(name, options)?;
        zip.write_all(body.as_bytes())?;
    }
    zip.finish()?.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_one_clean_line_with_markup_escaped() {
        assert_eq!(
            clean("  张三\n\t欠薪\u{1b}[31m  两个月 "),
            "张三 欠薪[31m 两个月"
        );
        assert_eq!(clean("a\u{202e}b\u{0}c\u{ffff}"), "abc");
        assert_eq!(
            xml_text("<w:t>&\"'</w:t>"),
            "&lt;w:t&gt;&amp;&quot;&apos;&lt;/w:t&gt;"
        );
        assert_eq!(xml_text("Address: \u{1b}"), "Address: ");
    }

    #[test]
    fn the_document_is_a4_and_its_properties_are_in_schema_order() {
        let mut p = Para::heading("一、诉求");
        p.cut_above = true;
        p.right_tab = true;
        p.hanging = 300;
        p.align = Align::Center;
        let xml = document_xml(&[p, Para::new(vec![Run::bold("编号"), Run::Tab])]);
        assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
        let at = |s: &str| xml.find(s).unwrap();
        assert!(at("<w:pBdr>") < at("<w:tabs>"));
        assert!(at("<w:tabs>") < at("<w:spacing"));
        assert!(at("<w:spacing") < at("<w:ind"));
        assert!(at("<w:ind") < at("<w:jc"));
        assert!(xml.contains("<w:rFonts w:eastAsia=\"黑体\""));
        assert!(xml.contains("<w:r><w:tab/></w:r>"));
    }
}
