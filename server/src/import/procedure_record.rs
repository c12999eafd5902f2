//! One record of the national portal's procedure export, turned into our model.
//!
//! The export flattens HTML tables into run-on text ("Hình thức nộpThời gianPhí, lệ phíMô
//! tảTrực tuyến5 Ngày làm việcMiễn phí…"); the parsers here cut it back into rows. No crate
//! knows this format, so it is written by hand, with the real records as tests.

use std::sync::LazyLock;

use motcua_app::domain::{AgencyLevel, LegalReference, RequiredDocument, SubmissionChannel};
use motcua_search::normalize::canonical;
use regex::Regex;
use serde::Deserialize;

use crate::storage::agencies::AgencyInput;
use motcua_app::domain::ProcedureDetails;

use crate::storage::documents::DocumentInput;

/// The portal's placeholder for an empty field.
const NO_INFORMATION: &str = "Không có thông tin";

/// A record as exported: the portal's own Vietnamese field names.
#[derive(Debug, Deserialize)]
#[allow(missing_docs)]
pub struct RawProcedure {
    pub ma_thu_tuc: String,
    pub ten_thu_tuc: String,
    #[serde(default)]
    pub detail_url: String,
    #[serde(default)]
    pub so_quyet_dinh: String,
    #[serde(default)]
    pub cap_thuc_hien: String,
    #[serde(default)]
    pub loai_thu_tuc: String,
    #[serde(default)]
    pub linh_vuc: String,
    #[serde(default)]
    pub doi_tuong_thuc_hien: String,
    #[serde(default)]
    pub co_quan_co_tham_quyen: String,
    #[serde(default)]
    pub co_quan_thuc_hien: String,
    #[serde(default)]
    pub trinh_tu_thuc_hien: String,
    #[serde(default)]
    pub cach_thuc_thuc_hien: String,
    #[serde(default)]
    pub thanh_phan_ho_so: String,
    #[serde(default)]
    pub yeu_cau_dieu_kien: String,
    #[serde(default)]
    pub ket_qua_xu_ly: String,
    #[serde(default)]
    pub can_cu_phap_ly: String,
    #[serde(default)]
    pub agency_folder: String,
}

/// A record that cannot be imported, with the reason.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    /// The line is not JSON or lacks a required field.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// A field has a value we cannot accept.
    #[error("field `{field}`: {reason}")]
    Field {
        /// The export's field name.
        field: &'static str,
        /// Why.
        reason: String,
    },
}

/// A parsed record: the agency it belongs to and the document to upsert (agency id left 0).
#[derive(Debug)]
pub struct ParsedProcedure {
    /// The responsible agency.
    pub agency: AgencyInput,
    /// The document; the caller sets `agency_id`.
    pub document: DocumentInput,
}

/// Parses one line of the export.
pub fn parse_line(line: &str) -> Result<ParsedProcedure, RecordError> {
    let raw: RawProcedure = serde_json::from_str(line).map_err(|e| RecordError::Json(e.to_string()))?;
    parse(raw)
}

fn clean(text: &str) -> Option<String> {
    let t = canonical(text).trim().to_string();
    (!t.is_empty() && t != NO_INFORMATION).then_some(t)
}

/// Checks and converts a record.
pub fn parse(raw: RawProcedure) -> Result<ParsedProcedure, RecordError> {
    let code = raw.ma_thu_tuc.trim().to_string();
    if !motcua_search::query::looks_like_code(&code) {
        return Err(RecordError::Field {
            field: "ma_thu_tuc",
            reason: format!("{code:?} is not a procedure code like 1.001193"),
        });
    }
    let title = clean(&raw.ten_thu_tuc)
        .map(|t| strip_procedure_prefix(&t))
        .filter(|t| !t.is_empty())
        .ok_or(RecordError::Field { field: "ten_thu_tuc", reason: "empty".into() })?;
    if title.chars().count() > 4000 {
        return Err(RecordError::Field { field: "ten_thu_tuc", reason: "longer than 4000 characters".into() });
    }
    let agency = agency_of(&raw.agency_folder)?;
    let levels: Vec<String> =
        canonical(&raw.cap_thuc_hien).split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    let field = clean(&raw.linh_vuc);
    let steps = parse_steps(&canonical(&raw.trinh_tu_thuc_hien));
    let required_documents = parse_required_documents(&canonical(&raw.thanh_phan_ho_so));
    let channels = parse_channels(&canonical(&raw.cach_thuc_thuc_hien));
    let legal_basis = parse_legal_basis(&canonical(&raw.can_cu_phap_ly));
    let result = parse_result(&canonical(&raw.ket_qua_xu_ly));
    let conditions = clean(&raw.yeu_cau_dieu_kien);
    let audience = clean(&raw.doi_tuong_thuc_hien);

    let source_url = clean(&raw.detail_url).filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let procedure = ProcedureDetails {
        code: code.clone(),
        field,
        levels,
        audience,
        steps,
        required_documents,
        channels,
        conditions,
        result,
        legal_basis,
        implementing_agency: clean(&raw.co_quan_thuc_hien),
        competent_agency: clean(&raw.co_quan_co_tham_quyen),
        decision: clean(&raw.so_quyet_dinh),
        procedure_type: clean(&raw.loai_thu_tuc),
    };
    let document = DocumentInput {
        kind: "procedure".into(),
        agency_id: 0,
        title,
        summary: procedure.summary(),
        body_html: String::new(),
        body_text: procedure.search_text(),
        path: format!("/thu-tuc/{code}"),
        origin_key: format!("dvcqg:procedure:{code}"),
        origin_url: source_url,
        published_at: None,
        state: "published".into(),
        procedure: Some(procedure),
    };
    Ok(ParsedProcedure { agency, document })
}

/// "Thủ tục đăng ký khai sinh" → "Đăng ký khai sinh": the page already says it is a
/// procedure, and citizens scan titles by their first words.
fn strip_procedure_prefix(title: &str) -> String {
    let rest = ["Thủ tục ", "thủ tục ", "THỦ TỤC "].iter().find_map(|p| title.strip_prefix(p)).unwrap_or(title).trim();
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The ministries and central bodies of the export, by folder name.
const KNOWN_AGENCIES: &[(&str, &str, AgencyLevel)] = &[
    ("bo-tai-chinh", "Bộ Tài chính", AgencyLevel::Ministry),
    ("bo-nong-nghiep-mt", "Bộ Nông nghiệp và Môi trường", AgencyLevel::Ministry),
    ("bo-xay-dung", "Bộ Xây dựng", AgencyLevel::Ministry),
    ("bo-cong-an", "Bộ Công an", AgencyLevel::Ministry),
    ("bo-tu-phap", "Bộ Tư pháp", AgencyLevel::Ministry),
    ("ngan-hang-nha-nuoc", "Ngân hàng Nhà nước Việt Nam", AgencyLevel::Ministry),
    ("toa-an-nhan-dan", "Tòa án nhân dân tối cao", AgencyLevel::Other),
];

fn agency_of(folder: &str) -> Result<AgencyInput, RecordError> {
    let slug = folder.trim();
    if slug.is_empty()
        || slug.len() > 100
        || !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(RecordError::Field {
            field: "agency_folder",
            reason: format!("{slug:?} is not an agency folder name"),
        });
    }
    let (name, level) = KNOWN_AGENCIES
        .iter()
        .find(|(s, ..)| *s == slug)
        .map(|(_, n, l)| (n.to_string(), *l))
        .unwrap_or_else(|| (slug.to_string(), AgencyLevel::Other));
    Ok(AgencyInput { slug: slug.to_string(), name, level, parent_id: None, admin_code: None, website: None })
}

static CHANNEL_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(\d+(?:[.,]\d+)?\s*(?:Ngày làm việc|Ngày|ngày làm việc|ngày|Giờ làm việc|Giờ|giờ|Tháng|tháng|Năm|năm|Phút|phút)?|Không có thông tin)")
        .expect("static regex")
});
static FEE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Miễn phí|Không có thông tin|Không phải trả phí|(?:Lệ phí|Phí)?\s*:?\s*[\d][\d.,]*\s*(?:Việt Nam đồng|VNĐ|Đồng|đồng|USD|VND))")
        .expect("static regex")
});

/// Cuts the submission-channel table into rows of channel, time, fee and description.
pub fn parse_channels(text: &str) -> Vec<SubmissionChannel> {
    let body = text.strip_prefix("Hình thức nộpThời gianPhí, lệ phíMô tả").unwrap_or(text);
    let rows: Vec<_> =
        CHANNEL_ROW.captures_iter(body).filter_map(|c| Some((c.get(0)?, c.get(1)?, c.get(2)?))).collect();
    let mut out = Vec::new();
    for (i, (whole, channel, time)) in rows.iter().enumerate() {
        let end = rows.get(i + 1).map_or(body.len(), |next| next.0.start());
        let mut rest = &body[whole.end()..end];
        let mut fees = Vec::new();
        while let Some(m) = FEE.find(rest) {
            let mut fee = m.as_str().to_string();
            rest = &rest[m.end()..];
            if rest.starts_with('(') {
                let close = balanced_paren_end(rest);
                fee.push(' ');
                fee.push_str(&rest[..close]);
                rest = &rest[close..];
            }
            fees.push(fee.trim().to_string());
        }
        let time = time.as_str().trim();
        out.push(SubmissionChannel {
            channel: channel.as_str().to_string(),
            processing_time: (time != NO_INFORMATION).then(|| time.to_string()),
            fee: fees.into_iter().filter(|f| f != NO_INFORMATION).reduce(|a, b| format!("{a}; {b}")),
            description: clean(rest),
        });
    }
    out
}

/// Byte index just past the parenthesis that closes the one `text` starts with.
fn balanced_paren_end(text: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}

static STEP_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)(?:^|\s)(Bước\s*\d+\s*[:.\-])").expect("static regex"));

/// Splits steps at "Bước N:" marks, or at lines when there are none.
pub fn parse_steps(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() || text == NO_INFORMATION {
        return Vec::new();
    }
    let starts: Vec<usize> = STEP_MARK.captures_iter(text).filter_map(|c| c.get(1).map(|m| m.start())).collect();
    if starts.len() >= 2 || starts.first() == Some(&0) {
        let mut out = Vec::new();
        if let Some(&first) = starts.first()
            && first > 0
        {
            out.extend(clean(&text[..first]));
        }
        for (i, s) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            out.extend(clean(&text[*s..end]));
        }
        out
    } else {
        // No numbered steps: one block, shown as paragraphs; lines are not steps.
        clean(text).into_iter().collect()
    }
}

static DOC_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\*[^*:\n]{0,80}:)?\s*Tên giấy tờMẫu đơn, tờ khaiSố lượng").expect("static regex"));
static DOC_QUANTITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+)\s*(bản chính|bản sao|Bản chính|Bản sao)").expect("static regex"));
static FORM_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[.):;]\s*([^.():;]{1,80}\.(?:docx?|DOCX?|pdf|PDF|xlsx?|rtf))$").expect("static regex")
});

/// Cuts the required-documents table into names, form files and quantities.
pub fn parse_required_documents(text: &str) -> Vec<RequiredDocument> {
    let text = text.trim_start_matches(['-', ' ']);
    let text = DOC_HEADER.replace_all(text, "\n");
    let mut out = Vec::new();
    let mut last = 0;
    for m in DOC_QUANTITY.captures_iter(&text) {
        let (Some(whole), Some(n), Some(kind)) = (m.get(0), m.get(1), m.get(2)) else { continue };
        let mut name = text[last..whole.start()].trim().to_string();
        last = whole.end();
        let mut form = None;
        if let Some(f) = FORM_FILE.captures(&name).and_then(|c| c.get(1)) {
            form = Some(f.as_str().trim().to_string());
            name = name[..f.start()].trim().to_string();
        }
        let name = name.trim_start_matches(['-', '+', '*', ' ']).trim().to_string();
        if name.is_empty() {
            continue;
        }
        let count: u32 = n.as_str().parse().unwrap_or(0);
        out.push(RequiredDocument {
            name,
            form,
            quantity: (count > 0).then(|| format!("{count} {}", kind.as_str().to_lowercase())),
        });
    }
    let tail = text[last..].trim();
    if out.is_empty() && !tail.is_empty() && tail != NO_INFORMATION {
        out.push(RequiredDocument { name: tail.to_string(), form: None, quantity: None });
    }
    out
}

static LEGAL_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{1,4}/\d{4}/[A-ZĐ]+\d{0,2}(?:-[A-ZĐ]+\d{0,2})*").expect("static regex"));

/// End of a document number, giving back a capital letter that starts the next title word
/// ("…/TT-BCANghị định" → "…/TT-BCA") and digits that start the next number
/// ("…/NĐ-CP05/2012/…" → "…/NĐ-CP").
fn number_end(text: &str, start: usize, mut end: usize) -> usize {
    if text[end..].starts_with('/') {
        end = start + text[start..end].trim_end_matches(|c: char| c.is_ascii_digit()).len();
    }
    loop {
        let next_is_lower = text[end..].chars().next().is_some_and(char::is_lowercase);
        let last = text[start..end].chars().next_back();
        match last {
            Some(c) if next_is_lower && c.is_uppercase() && end - c.len_utf8() > start => end -= c.len_utf8(),
            _ => return end,
        }
    }
}

/// Cuts the legal-basis table into titles and document numbers.
pub fn parse_legal_basis(text: &str) -> Vec<LegalReference> {
    let body = text.strip_prefix("Tên văn bản pháp lýMã văn bản").unwrap_or(text).trim();
    if body.is_empty() || body == NO_INFORMATION {
        return Vec::new();
    }
    let mut out: Vec<LegalReference> = Vec::new();
    let mut last = 0;
    let mut search_from = 0;
    while let Some(m) = LEGAL_NUMBER.find_at(body, search_from) {
        let end = number_end(body, m.start(), m.end());
        search_from = end;
        if m.start() < last {
            continue;
        }
        let title = body[last..m.start()].trim();
        let number = &body[m.start()..end];
        last = end;
        if title.is_empty() {
            continue; // the number column repeating the number the title ended with
        }
        out.push(LegalReference { title: title.to_string(), number: Some(number.to_string()) });
    }
    let tail = body[last..].trim();
    if !tail.is_empty() {
        out.push(LegalReference { title: tail.to_string(), number: None });
    }
    out
}

static RESULT_CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"Mã:\s*KQ\.[A-Z0-9.]+").expect("static regex"));

/// The result names, without the portal's result codes and form widgets.
pub fn parse_result(text: &str) -> Option<String> {
    let text = text.split("Chọn cơ quan thực hiện").next().unwrap_or_default();
    let text = text.split("Từ khóa").next().unwrap_or_default();
    let names: Vec<String> = RESULT_CODE.split(text).filter_map(clean).collect();
    (!names.is_empty()).then(|| names.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_of_a_real_record() {
        let text = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến3 Ngày làm việcMiễn phínộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia.Dịch vụ bưu chính3 Ngày làm việcMiễn phínộp hồ sơ qua bưu chính.Trực tiếp3 Ngày làm việcMiễn phínộp hồ sơ trực tiếp tại trụ sở.";
        let c = parse_channels(text);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].channel, "Trực tuyến");
        assert_eq!(c[0].processing_time.as_deref(), Some("3 Ngày làm việc"));
        assert_eq!(c[0].fee.as_deref(), Some("Miễn phí"));
        assert_eq!(c[0].description.as_deref(), Some("nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia."));
        assert_eq!(c[2].channel, "Trực tiếp");
    }

    #[test]
    fn channels_with_amounts_and_explanations() {
        let text = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 Ngày50,000 Việt Nam đồng(Lệ phí cấp giấy (bản chính))Nộp tại bộ phận một cửa.Trực tuyếnKhông có thông tinKhông có thông tinTrực tuyến: nộp hồ sơ trên cổng.";
        let c = parse_channels(text);
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[0].fee.as_deref(), Some("50,000 Việt Nam đồng (Lệ phí cấp giấy (bản chính))"));
        assert_eq!(c[0].description.as_deref(), Some("Nộp tại bộ phận một cửa."));
        assert_eq!(c[1].processing_time, None);
        assert_eq!(c[1].fee, None);
        assert_eq!(c[1].description.as_deref(), Some("Trực tuyến: nộp hồ sơ trên cổng."));
    }

    #[test]
    fn steps_split_at_marks_or_lines() {
        assert_eq!(parse_steps("Bước 1: Chuẩn bị hồ sơ.\nBước 2: Nộp hồ sơ\n* Tại trụ sở").len(), 2);
        assert_eq!(parse_steps("- Nộp hồ sơ\n- Nhận kết quả\n\n"), vec!["- Nộp hồ sơ\n- Nhận kết quả"]);
        assert!(parse_steps("Không có thông tin").is_empty());
    }

    #[test]
    fn documents_with_forms_and_quantities() {
        let d = parse_required_documents(
            "--Tên giấy tờMẫu đơn, tờ khaiSố lượngVăn bản đề nghị hủy tài khoản điện tử (NA20).Mau NA20-BCA.docx1 bản chínhGiấy tờ khác0 bản chính",
        );
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].name, "Văn bản đề nghị hủy tài khoản điện tử (NA20).");
        assert_eq!(d[0].form.as_deref(), Some("Mau NA20-BCA.docx"));
        assert_eq!(d[0].quantity.as_deref(), Some("1 bản chính"));
        assert_eq!(d[1].quantity, None);
    }

    #[test]
    fn legal_basis_pairs_titles_and_numbers() {
        let l = parse_legal_basis(
            "Tên văn bản pháp lýMã văn bảnHướng dẫn xử lý khiếu nại68/2013/TT-BCANghị định 05/2012/NĐ-CP05/2012/NĐ-CP",
        );
        assert_eq!(l.len(), 2, "{l:?}");
        assert_eq!(
            l[0],
            LegalReference {
                title: "Hướng dẫn xử lý khiếu nại".into(), number: Some("68/2013/TT-BCA".into())
            }
        );
        assert_eq!(l[1], LegalReference { title: "Nghị định".into(), number: Some("05/2012/NĐ-CP".into()) });
        let l = parse_legal_basis(
            "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH1360/2014/QH13Thông tư 04/2020/TT-BTP04/2020/TT-BTP",
        );
        assert_eq!(l.len(), 2, "{l:?}");
        assert_eq!(l[0], LegalReference { title: "Luật Hộ tịch".into(), number: Some("60/2014/QH13".into()) });
        assert_eq!(l[1], LegalReference { title: "Thông tư".into(), number: Some("04/2020/TT-BTP".into()) });
    }

    #[test]
    fn result_without_codes_and_widgets() {
        assert_eq!(
            parse_result(
                "Giấy khai sinhMã: KQ.G15.000031Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiện"
            )
            .as_deref(),
            Some("Giấy khai sinh")
        );
    }

    #[test]
    fn rejects_bad_records_with_the_field() {
        let err =
            parse_line(r#"{"ma_thu_tuc":"abc","ten_thu_tuc":"X","agency_folder":"bo-tu-phap"}"#).expect_err("bad code");
        assert!(matches!(err, RecordError::Field { field: "ma_thu_tuc", .. }));
        let err = parse_line(r#"{"ma_thu_tuc":"1.000001","ten_thu_tuc":"  ","agency_folder":"bo-tu-phap"}"#)
            .expect_err("no title");
        assert!(matches!(err, RecordError::Field { field: "ten_thu_tuc", .. }));
        assert!(matches!(parse_line("{not json"), Err(RecordError::Json(_))));
    }

    #[test]
    fn procedure_prefix_is_dropped() {
        assert_eq!(strip_procedure_prefix("Thủ tục đăng ký khai sinh"), "Đăng ký khai sinh");
        assert_eq!(strip_procedure_prefix("Cấp lại thẻ căn cước"), "Cấp lại thẻ căn cước");
        assert_eq!(strip_procedure_prefix("Thủ tục"), "Thủ tục");
    }

    #[test]
    fn decomposed_text_is_composed() {
        let p =
            parse_line(r#"{"ma_thu_tuc":"1.000001","ten_thu_tuc":"Thu\u0323 ly\u0301","agency_folder":"bo-tu-phap"}"#)
                .expect("ok");
        assert_eq!(p.document.title, "Thụ lý");
    }
}
