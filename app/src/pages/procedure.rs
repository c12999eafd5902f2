//! A procedure's page: every field a citizen needs to act, in the order they need it.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::awaited_lookup;
use crate::components::{Breadcrumbs, Paragraphs, format_date};
use crate::domain::{Procedure, ProcedureRelation, RelatedProcedure};

/// The order the page lists related procedures in: as a citizen's steps go.
const STEP_ORDER: [ProcedureRelation; 4] =
    [ProcedureRelation::Before, ProcedureRelation::With, ProcedureRelation::After, ProcedureRelation::Instead];

/// `/thu-tuc/{code}`
#[component]
pub fn ProcedurePage() -> impl IntoView {
    let portal = super::portal();
    let code = use_params_map().get_untracked().get("code").unwrap_or_default();
    awaited_lookup(async move { portal.procedure(&code).await }, |p| view! { <ProcedureView p/> })
}

fn row(key: &'static str, value: Option<String>) -> impl IntoView {
    value.filter(|v| !v.trim().is_empty()).map(|v| {
        view! {
            <div class="mc-summary-list__row">
                <dt class="mc-summary-list__key">{key}</dt>
                <dd class="mc-summary-list__value">{v}</dd>
            </div>
        }
    })
}

#[component]
fn ProcedureView(p: Procedure) -> impl IntoView {
    let agency_href = p.agency.url();
    let trail = vec![
        ("Thủ tục".to_string(), "/tim-kiem?kind=procedure".to_string()),
        (p.agency.name.clone(), agency_href.clone()),
    ];
    let description = format!("Thủ tục {} (mã {}): hồ sơ, thời hạn, lệ phí, trình tự.", p.title, p.details.code);
    let levels = (!p.details.levels.is_empty()).then(|| p.details.levels.join(", "));
    let has_channels = !p.details.channels.is_empty();
    let has_descriptions = p.details.channels.iter().any(|c| c.description.is_some());
    let has_documents = !p.details.required_documents.is_empty();
    let has_steps = !p.details.steps.is_empty();
    let has_legal = !p.details.legal_basis.is_empty();
    let has_related = !p.related.is_empty();
    view! {
        <Title text=p.title.clone()/>
        <Meta name="description" content=description/>
        <Breadcrumbs trail/>
        <span class="mc-caption-m">"Thủ tục hành chính · Mã " {p.details.code.clone()}</span>
        <h1 class="mc-heading-l">{p.title.clone()}</h1>
        <dl class="mc-summary-list">
            <div class="mc-summary-list__row">
                <dt class="mc-summary-list__key">"Cơ quan"</dt>
                <dd class="mc-summary-list__value"><a class="mc-link" href=agency_href>{p.agency.name.clone()}</a></dd>
            </div>
            {row("Cấp thực hiện", levels)}
            {row("Lĩnh vực", p.details.field.clone())}
            {row("Cơ quan thực hiện", p.details.implementing_agency.clone())}
            {row("Cơ quan có thẩm quyền", p.details.competent_agency.clone())}
            {row("Đối tượng thực hiện", p.details.audience.clone())}
            {row("Loại thủ tục", p.details.procedure_type.clone())}
            {row("Quyết định công bố", p.details.decision.clone())}
            {row("Cập nhật", Some(format_date(&p.updated_at)))}
        </dl>
        {p.online_service.clone().map(|s| {
            let by = s.agency.map(|a| format!(" của {a}")).unwrap_or_default();
            view! {
                <div class="mc-inset-text">
                    <p class="mc-body">{format!("Thủ tục này nộp được trực tuyến qua {}{by}.", s.name)}</p>
                    <a class="mc-button mc-button--start" role="button" href=format!("/nop-truc-tuyen/{}", p.details.code)>"Nộp hồ sơ trực tuyến"</a>
                </div>
            }
        })}

        {has_channels.then(|| view! {
            <h2 class="mc-heading-m">"Cách thực hiện, thời hạn và lệ phí"</h2>
            <div class="mc-table-wrapper">
                <table class="mc-table">
                    <thead class="mc-table__head">
                        <tr class="mc-table__row">
                            <th class="mc-table__header" scope="col">"Hình thức nộp"</th>
                            <th class="mc-table__header" scope="col">"Thời hạn giải quyết"</th>
                            <th class="mc-table__header" scope="col">"Phí, lệ phí"</th>
                            {has_descriptions.then(|| view! { <th class="mc-table__header" scope="col">"Mô tả"</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {p.details.channels.iter().map(|c| view! {
                            <tr class="mc-table__row">
                                <th class="mc-table__header" scope="row">{c.channel.clone()}</th>
                                <td class="mc-table__cell">{c.processing_time.clone().unwrap_or_else(|| "Không có thông tin".into())}</td>
                                <td class="mc-table__cell">{c.fee.clone().unwrap_or_else(|| "Không có thông tin".into())}</td>
                                {has_descriptions.then(|| view! { <td class="mc-table__cell">{c.description.clone().unwrap_or_default()}</td> })}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}

        {has_documents.then(|| view! {
            <h2 class="mc-heading-m">"Hồ sơ cần chuẩn bị"</h2>
            <ul class="mc-checklist">
                {p.details.required_documents.iter().map(|d| view! {
                    <li class="mc-checklist__item">
                        {d.name.clone()}
                        {d.quantity.clone().map(|q| view! { " " <span class="mc-hint">"(" {q} ")"</span> })}
                        {d.form.clone().map(|f| view! { <br/><span class="mc-hint">"Mẫu: " {f}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        })}

        {has_steps.then(|| view! {
            <h2 class="mc-heading-m">"Trình tự thực hiện"</h2>
            {if p.details.steps.len() == 1 {
                view! { <Paragraphs text=p.details.steps[0].clone()/> }.into_any()
            } else {
                view! {
                    <ol class="mc-steps">
                        {p.details.steps.iter().map(|s| view! { <li class="mc-steps__item"><Paragraphs text=s.clone()/></li> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        })}

        {p.details.conditions.clone().filter(|c| !c.trim().is_empty()).map(|c| view! {
            <h2 class="mc-heading-m">"Yêu cầu, điều kiện"</h2>
            <Paragraphs text=c/>
        })}

        {p.details.result.clone().filter(|c| !c.trim().is_empty()).map(|c| view! {
            <h2 class="mc-heading-m">"Kết quả"</h2>
            <Paragraphs text=c/>
        })}

        // Grouped as the steps go (first, alongside, next, otherwise), as GOV.UK's
        // step-by-step pages are; each group keeps the list's order, most useful first.
        {has_related.then(|| view! {
            <h2 class="mc-heading-m">"Thủ tục liên quan"</h2>
            {STEP_ORDER.into_iter().filter_map(|relation| {
                let group: Vec<&RelatedProcedure> = p.related.iter().filter(|r| r.relation == relation).collect();
                (!group.is_empty()).then(|| view! {
                    <h3 class="mc-heading-s">{relation.label()}</h3>
                    <ul class="mc-list mc-list--bullet">
                        {group.into_iter().map(|r| view! {
                            <li><a class="mc-link" href=format!("/thu-tuc/{}", r.code)>{r.title.clone()}</a></li>
                        }).collect_view()}
                    </ul>
                })
            }).collect_view()}
        })}

        {has_legal.then(|| view! {
            <h2 class="mc-heading-m">"Căn cứ pháp lý"</h2>
            <ul class="mc-list mc-list--bullet">
                {p.details.legal_basis.iter().map(|l| view! {
                    <li>{l.title.clone()}{l.number.clone().map(|n| view! { " " <span class="mc-hint">"(" {n} ")"</span> })}</li>
                }).collect_view()}
            </ul>
        })}

        {p.source_url.clone().map(|u| view! {
            <p class="mc-body-s mc-hint">"Nguồn: " <a class="mc-link" href=u rel="noopener">"Cổng Dịch vụ công quốc gia"</a></p>
        })}
    }
}
