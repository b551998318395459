//! Backups and the files worker: the core's typed refusals in words (issue 12).

use super::Lang;
use super::codes::import_error;
use kezhi_core::files::Refusal;
use kezhi_core::import::ImportError;
use kezhi_core::store::Section;
use kezhi_core::store::backup::BackupError;

/// A section of a backup, as its records are called.
fn section_name(lang: Lang, section: Section) -> &'static str {
    match (lang, section) {
        (Lang::Zh, Section::Customers) => "客户",
        (Lang::Zh, Section::Orders) => "订单",
        (Lang::Zh, Section::Events) => "行为",
        (Lang::Zh, Section::Activities) => "跟进记录",
        (Lang::Zh, Section::Desk) => "工作台记录",
        (Lang::En, Section::Customers) => "customers",
        (Lang::En, Section::Orders) => "orders",
        (Lang::En, Section::Events) => "events",
        (Lang::En, Section::Activities) => "activities",
        (Lang::En, Section::Desk) => "desk records",
    }
}

/// Why a backup file cannot be restored. A damaged section's technical detail (the decoder's
/// own words) follows in English in both languages.
pub fn backup_error(lang: Lang, e: &BackupError) -> String {
    let zh = lang.is_zh();
    match e {
        BackupError::NotABackup if zh => "这不是客知的备份文件".to_string(),
        BackupError::NotABackup => "not a kezhi backup file".to_string(),
        BackupError::TooNew(v) if zh => format!("该备份由更新版本的客知生成（格式 {v}），请先升级"),
        BackupError::TooNew(v) => format!("made by a newer version of kezhi (backup format {v})"),
        BackupError::Damaged { section, error } if zh => {
            format!("备份中的{}已损坏：{error}", section_name(lang, *section))
        }
        BackupError::Damaged { section, error } => format!(
            "the {} in the backup are damaged: {error}",
            section_name(lang, *section)
        ),
        BackupError::Incomplete {
            section,
            expected,
            found,
        } if zh => format!(
            "备份应有 {expected} 条{}，实际只有 {found} 条",
            section_name(lang, *section)
        ),
        BackupError::Incomplete {
            section,
            expected,
            found,
        } => format!(
            "the backup says it holds {expected} {} but holds {found}",
            section_name(lang, *section)
        ),
    }
}

/// A message in both languages (the page may switch language while it shows): what the
/// files worker's refusals and failures are worded as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, chinese: bool) -> &str {
        if chinese { &self.zh } else { &self.en }
    }
}

/// Why the files worker could not read or import a file, in both languages.
pub fn import_failure(e: &ImportError) -> Text {
    Text {
        zh: import_error(Lang::Zh, e),
        en: import_error(Lang::En, e),
    }
}

/// Why the files worker could not do a request, in both languages (the page may switch
/// language while the message shows).
pub fn refusal(r: &Refusal) -> Text {
    let say = |lang: Lang| {
        let zh = lang.is_zh();
        match r {
            Refusal::NoFile if zh => "没有打开的文件，请重新选择文件".to_string(),
            Refusal::NoFile => "No file is open: choose the file again".to_string(),
            Refusal::Xlsx(e) if zh => format!("无法生成 Excel 文件：{e}"),
            Refusal::Xlsx(e) => format!("The Excel file could not be written: {e}"),
            Refusal::Backup(e) => backup_error(lang, e),
            Refusal::UnreadableRequest if zh => {
                "文件处理模块无法读取请求（版本不一致？请刷新页面）".to_string()
            }
            Refusal::UnreadableRequest => {
                "The file reader could not read the request (another version? reload the page)"
                    .to_string()
            }
        }
    };
    Text {
        zh: say(Lang::Zh),
        en: say(Lang::En),
    }
}

#[cfg(test)]
mod backup_wording_tests {
    use super::*;
    use kezhi_core::store::codec::DecodeError;

    #[test]
    fn backup_refusals_read_in_both_languages() {
        let both = |e: &BackupError| (backup_error(Lang::Zh, e), backup_error(Lang::En, e));
        let s = |zh: &str, en: &str| (zh.to_string(), en.to_string());
        assert_eq!(
            both(&BackupError::NotABackup),
            s("这不是客知的备份文件", "not a kezhi backup file")
        );
        assert_eq!(
            both(&BackupError::TooNew(9)),
            s(
                "该备份由更新版本的客知生成（格式 9），请先升级",
                "made by a newer version of kezhi (backup format 9)"
            )
        );
        assert_eq!(
            both(&BackupError::Damaged {
                section: Section::Events,
                error: DecodeError::Inflate
            }),
            s(
                "备份中的行为已损坏：compressed data is damaged",
                "the events in the backup are damaged: compressed data is damaged"
            )
        );
        assert_eq!(
            both(&BackupError::Incomplete {
                section: Section::Activities,
                expected: 5,
                found: 4
            }),
            s(
                "备份应有 5 条跟进记录，实际只有 4 条",
                "the backup says it holds 5 activities but holds 4"
            )
        );
        // The English wording is the error's own (logs read the same).
        let e = BackupError::Incomplete {
            section: Section::Orders,
            expected: 2,
            found: 1,
        };
        assert_eq!(backup_error(Lang::En, &e), e.to_string());
    }

    #[test]
    fn the_files_workers_refusals_read_in_both_languages() {
        assert_eq!(
            refusal(&Refusal::NoFile),
            Text {
                zh: "没有打开的文件，请重新选择文件".into(),
                en: "No file is open: choose the file again".into()
            }
        );
        assert_eq!(
            refusal(&Refusal::Xlsx("zip".into())),
            Text {
                zh: "无法生成 Excel 文件：zip".into(),
                en: "The Excel file could not be written: zip".into()
            }
        );
        assert_eq!(
            refusal(&Refusal::Backup(BackupError::NotABackup)).zh,
            "这不是客知的备份文件"
        );
        assert!(
            refusal(&Refusal::UnreadableRequest)
                .zh
                .contains("请刷新页面")
        );
    }
}
