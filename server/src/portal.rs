//! The server's implementation of the UI's [`PortalBackend`] port: reads from the database
//! and the search index, never writes.

use std::collections::HashMap;
use std::sync::Arc;

use motcua_app::domain::{
    AccountView, Agency, AgencyLevel, AgencyListing, AgencyPage, AgencyRef, Announcement, AttachmentLink, AuditPage,
    AuditRow, BestBetsPage, CompanionsPage, ConnectedService, ConsentRequest, DocumentKind, DocumentSummary,
    EditionSummary, FacetValue, GrantRow, HandOff, HomeData, KeywordsPage, ListedCompanion, OnlineService,
    PinnedDocument, PinnedQuery, Procedure, ProcedureCompanions, ProcedureDetails, ProcedureKeywords,
    ProcedureRelation, RelatedProcedure, RolesPage, SearchHit, SearchPage, SearchParams, SignInOption, SignOutView,
    StaffEditor, StaffFilter, StaffHome, StaffItem,
};
use motcua_app::ports::{BackendError, PortalBackend};
use motcua_search::{SearchIndex, SearchRequest};
use motcua_server::curated::related::Relations;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::frequent_queries::FrequentQueries;
use crate::storage::entity::{agency, document, procedure_details};

/// Reads for the pages and the JSON API.
#[derive(Clone)]
pub struct PortalService {
    db: DatabaseConnection,
    index: Arc<SearchIndex>,
    popular: Vec<String>,
    frequent: Arc<FrequentQueries>,
    identity: Arc<crate::config::IdentityConfig>,
}

/// Completions of a half-typed query: queries others asked, then titles to go to directly.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Completions {
    /// Frequent queries starting with what was typed.
    pub queries: Vec<String>,
    /// Documents whose titles hold what was typed.
    pub documents: Vec<motcua_search::Completion>,
}

/// Frequent queries offered per completion.
const COMPLETION_QUERIES: usize = 3;
/// Titles offered per completion.
const COMPLETION_DOCUMENTS: usize = 7;

impl PortalService {
    /// A service over a database and an index.
    pub fn new(db: DatabaseConnection, index: Arc<SearchIndex>, popular: Vec<String>) -> Self {
        Self { db, index, popular, frequent: Arc::default(), identity: Arc::default() }
    }

    /// The same, offering these login providers and keeping sessions by these timeouts.
    pub fn with_identity(mut self, identity: crate::config::IdentityConfig) -> Self {
        self.identity = Arc::new(identity);
        self
    }

    /// The live session of a cookie and its account (idle sessions end here).
    async fn live_session(
        &self,
        cookie: &str,
    ) -> Result<Option<(crate::storage::entity::session::Model, crate::storage::entity::account::Model)>, BackendError>
    {
        crate::storage::identity::live_session(&self.db, cookie, self.identity.session_idle(), chrono::Utc::now())
            .await
            .map_err(|e| BackendError::Unavailable(e.to_string()))
    }

    /// The live session of a cookie, if its sign-in lets it act as staff (see
    /// `IdentityConfig::staff_may_use`).
    async fn staff_session(
        &self,
        cookie: &str,
    ) -> Result<Option<(crate::storage::entity::session::Model, crate::storage::entity::account::Model)>, BackendError>
    {
        let live = self.live_session(cookie).await?;
        Ok(live.filter(|(s, _)| self.identity.staff_may_use(&s.provider_id)))
    }

    /// The staff session of a cookie, if it administers a top-level agency: the pages whose
    /// changes reach every agency (the whole audit log, best bets, search keywords).
    async fn top_level_session(
        &self,
        cookie: &str,
    ) -> Result<Option<crate::storage::entity::session::Model>, BackendError> {
        let Some((session, me)) = self.staff_session(cookie).await? else { return Ok(None) };
        let top = crate::storage::roles::administers_top_level(&self.db, me.id).await.map_err(unavailable)?;
        Ok(top.then_some(session))
    }

    /// The hub service that takes applications for a procedure, and how pages name it.
    async fn online_service(
        &self,
        code: &str,
    ) -> Result<Option<(crate::hub::services::Service, OnlineService)>, BackendError> {
        let found = crate::hub::services::for_procedure(&self.db, code).await.map_err(unavailable)?;
        let Some(service) = found else { return Ok(None) };
        let agency = match &service.agency {
            Some(slug) => crate::storage::agencies::name_of(&self.db, slug).await.map_err(unavailable)?,
            None => None,
        };
        let online = OnlineService { name: service.name.clone(), agency };
        Ok(Some((service, online)))
    }

    /// The companions of a procedure (`curated::related`, or the list an administrator set)
    /// that are published, in the list's order.
    async fn related_procedures(&self, code: &str) -> Result<Vec<RelatedProcedure>, BackendError> {
        let edits = crate::storage::companions::edits(&self.db).await.map_err(unavailable)?;
        let relations = Relations::with_edits(&edits);
        let companions = relations.companions(code);
        let mut titles =
            crate::storage::procedures::titles_by_code(&self.db, companions.iter().map(|(c, _)| c.as_str()))
                .await
                .map_err(unavailable)?;
        Ok(companions
            .iter()
            .filter_map(|(code, relation)| {
                let title = titles.remove(code)?;
                Some(RelatedProcedure { code: code.clone(), title, relation: *relation })
            })
            .collect())
    }

    /// Completions for the search box (autocomplete).
    pub async fn complete(&self, prefix: &str) -> Result<Completions, BackendError> {
        let index = self.index.clone();
        let typed = prefix.to_string();
        let documents = tokio::task::spawn_blocking(move || index.complete(&typed, COMPLETION_DOCUMENTS))
            .await
            .map_err(unavailable)?
            .map_err(unavailable)?;
        Ok(Completions { queries: self.frequent.starting_with(prefix, COMPLETION_QUERIES), documents })
    }
}

/// Procedures listed on an agency's page; the rest are a search away.
const AGENCY_PAGE_PROCEDURES: usize = 30;

/// Orders names as a Vietnamese reader expects: by letters without marks first (so Đ sits
/// with D, not after Z), then by the exact spelling.
fn vietnamese_sort_key(name: &str) -> (String, String) {
    (motcua_search::normalize::fold(name), name.to_lowercase())
}

fn unavailable(e: impl std::fmt::Display) -> BackendError {
    tracing::error!("backend failure: {e}");
    BackendError::Unavailable(e.to_string())
}

fn agency_ref(a: &agency::Model) -> AgencyRef {
    AgencyRef {
        slug: a.slug.clone(),
        name: a.name.clone(),
        level: AgencyLevel::parse(&a.level).unwrap_or(AgencyLevel::Other),
    }
}

fn summary_of(d: document::Model, a: &agency::Model, code: Option<String>) -> DocumentSummary {
    DocumentSummary {
        kind: DocumentKind::parse(&d.kind).unwrap_or(DocumentKind::Page),
        title: d.title,
        url: d.path,
        summary: d.summary,
        agency: agency_ref(a),
        published_at: d.published_at,
        code,
    }
}

#[derive(FromQueryResult)]
struct AgencyCount {
    agency_id: i32,
    documents: i64,
}

impl PortalService {
    async fn procedure_summaries(&self, ids: &[i32]) -> Result<Vec<DocumentSummary>, BackendError> {
        let rows = document::Entity::find()
            .filter(document::Column::Id.is_in(ids.to_vec()))
            .find_also_related(agency::Entity)
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let codes =
            crate::storage::procedures::codes_by_document(&self.db, ids.iter().copied()).await.map_err(unavailable)?;
        let mut by_id: HashMap<i32, DocumentSummary> = rows
            .into_iter()
            .filter_map(|(d, a)| {
                let a = a?;
                let id = d.id;
                Some((id, summary_of(d, &a, codes.get(&id).cloned())))
            })
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    async fn counts_by_agency(&self) -> Result<HashMap<i32, u64>, BackendError> {
        let rows = document::Entity::find()
            .select_only()
            .column(document::Column::AgencyId)
            .column_as(document::Column::Id.count(), "documents")
            .filter(document::Column::State.eq("published"))
            .group_by(document::Column::AgencyId)
            .into_model::<AgencyCount>()
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(|r| (r.agency_id, r.documents.max(0) as u64)).collect())
    }

    async fn announcements_of(&self, agency_id: Option<i32>, limit: u64) -> Result<Vec<DocumentSummary>, BackendError> {
        let mut q = document::Entity::find()
            .filter(document::Column::Kind.eq("announcement"))
            .filter(document::Column::State.eq("published"));
        if let Some(id) = agency_id {
            q = q.filter(document::Column::AgencyId.eq(id));
        }
        let rows = q
            .order_by_desc(document::Column::PublishedAt)
            .limit(limit)
            .find_also_related(agency::Entity)
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().filter_map(|(d, a)| Some(summary_of(d, &a?, None))).collect())
    }
}

#[async_trait::async_trait]
impl PortalBackend for PortalService {
    async fn home(&self) -> Result<HomeData, BackendError> {
        let popular_rows = procedure_details::Entity::find()
            .filter(procedure_details::Column::Code.is_in(self.popular.clone()))
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let mut ids = Vec::new();
        for code in &self.popular {
            if let Some(p) = popular_rows.iter().find(|p| &p.code == code) {
                ids.push(p.document_id);
            }
        }
        let mut popular = self.procedure_summaries(&ids).await?;
        popular.retain(|d| d.kind == DocumentKind::Procedure);
        let latest = self.announcements_of(None, 5).await?;
        let counts = self.counts_by_agency().await?;
        let mut top: Vec<(i32, u64)> = counts.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(8);
        let agencies = agency::Entity::find()
            .filter(agency::Column::Id.is_in(top.iter().map(|t| t.0).collect::<Vec<_>>()))
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let agencies = top
            .iter()
            .filter_map(|(id, n)| {
                agencies.iter().find(|a| a.id == *id).map(|a| AgencyListing { agency: agency_ref(a), documents: *n })
            })
            .collect();
        let procedure_count = document::Entity::find()
            .filter(document::Column::Kind.eq("procedure"))
            .filter(document::Column::State.eq("published"))
            .count(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(HomeData { popular, latest, agencies, procedure_count })
    }

    async fn search(&self, params: &SearchParams) -> Result<SearchPage, BackendError> {
        let pinned = if params.q.is_empty() || params.page > 1 {
            Vec::new()
        } else {
            crate::storage::best_bets::for_query(&self.db, &params.q).await.map_err(unavailable)?
        };
        let request = SearchRequest {
            text: params.q.clone(),
            kind: params.kind.map(|k| k.as_str().to_string()),
            agency: params.agency.clone(),
            level: params.level.map(|l| l.as_str().to_string()),
            topic: params.topic.clone(),
            year: params.year,
            pinned,
            offset: ((params.page.max(1) - 1) * params.per_page) as usize,
            limit: params.per_page as usize,
        };
        let index = self.index.clone();
        let results = tokio::task::spawn_blocking(move || index.search(&request))
            .await
            .map_err(unavailable)?
            .map_err(unavailable)?;
        let slugs: Vec<String> = results.facets.agency.iter().map(|f| f.value.clone()).collect();
        let names: HashMap<String, String> = agency::Entity::find()
            .filter(agency::Column::Slug.is_in(slugs))
            .all(&self.db)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(|a| (a.slug, a.name))
            .collect();
        if results.total > 0 && params.page == 1 && !params.q.is_empty() {
            self.frequent.record(&params.q);
        }
        let facets = results.facets;
        let labelled =
            |values: Vec<motcua_search::FacetCount>, label: &dyn Fn(&str) -> Option<String>| -> Vec<FacetValue> {
                values
                    .into_iter()
                    .filter_map(|f| Some(FacetValue { label: label(&f.value)?, value: f.value, count: f.count }))
                    .collect()
            };
        Ok(SearchPage {
            params: params.clone(),
            total: results.total as u64,
            estimated: results.total_estimated || facets.estimated,
            hits: results
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    id: h.id,
                    kind: DocumentKind::parse(&h.kind).unwrap_or(DocumentKind::Page),
                    title: h.title,
                    title_html: h.title_html,
                    url: h.url,
                    agency: h.agency,
                    agency_name: h.agency_name,
                    code: h.code,
                    topic: h.topic,
                    snippet_html: h.snippet_html,
                    pinned: h.pinned,
                    goes_with: h.goes_with,
                })
                .collect(),
            kind_facets: labelled(facets.kind, &|v| DocumentKind::parse(v).map(|k| k.label().to_string())),
            agency_facets: labelled(facets.agency, &|v| Some(names.get(v).cloned().unwrap_or_else(|| v.to_string()))),
            level_facets: labelled(facets.level, &|v| AgencyLevel::parse(v).map(|l| l.label().to_string())),
            topic_facets: labelled(facets.topic, &|v| Some(v.to_string())),
            year_facets: labelled(facets.year, &|v| Some(v.to_string())),
            relaxed: results.relaxed,
            suggestion: results.suggestion,
        })
    }

    async fn procedure(&self, code: &str) -> Result<Option<Procedure>, BackendError> {
        let Some(details) = procedure_details::Entity::find()
            .filter(procedure_details::Column::Code.eq(code))
            .one(&self.db)
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        let Some((doc, Some(agency))) = document::Entity::find_by_id(details.document_id)
            .filter(document::Column::State.eq("published"))
            .find_also_related(agency::Entity)
            .one(&self.db)
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        let json = |s: &str| serde_json::from_str(s).map_err(unavailable);
        Ok(Some(Procedure {
            title: doc.title,
            agency: agency_ref(&agency),
            details: ProcedureDetails {
                code: details.code,
                field: details.field,
                levels: json(&details.levels)?,
                audience: details.audience,
                steps: json(&details.steps)?,
                required_documents: serde_json::from_str(&details.required_documents).map_err(unavailable)?,
                channels: serde_json::from_str(&details.channels).map_err(unavailable)?,
                conditions: details.conditions,
                result: details.result,
                legal_basis: serde_json::from_str(&details.legal_basis).map_err(unavailable)?,
                implementing_agency: details.implementing_agency,
                competent_agency: details.competent_agency,
                decision: details.decision,
                procedure_type: details.procedure_type,
            },
            online_service: self.online_service(code).await?.map(|(_, s)| s),
            related: self.related_procedures(code).await?,
            source_url: doc.origin_url,
            updated_at: doc.updated_at,
        }))
    }

    async fn hand_off(&self, code: &str, session_cookie: Option<&str>) -> Result<Option<HandOff>, BackendError> {
        let Some((service, online)) = self.online_service(code).await? else { return Ok(None) };
        let title =
            crate::storage::procedures::by_code(&self.db, code).await.map_err(unavailable)?.map(|(_, d)| d.title);
        let Some(procedure_title) = title else { return Ok(None) };
        let signed_in_level = match session_cookie {
            Some(c) => self.live_session(c).await?.map(|(_, a)| a.assurance_level),
            None => None,
        };
        Ok(Some(HandOff {
            procedure_code: code.to_string(),
            procedure_title,
            service: online,
            shares: service
                .scopes
                .iter()
                .filter_map(|s| crate::hub::services::scope_label(s))
                .map(str::to_string)
                .collect(),
            assurance_level: service.assurance_level,
            signed_in_level,
        }))
    }

    async fn announcement(&self, slug: &str) -> Result<Option<Announcement>, BackendError> {
        let found = document::Entity::find()
            .filter(document::Column::Path.eq(format!("/tin-tuc/{slug}")))
            .filter(document::Column::Kind.eq("announcement"))
            // A withdrawn announcement keeps its page, saying why (GOV.UK's withdrawal).
            .filter(document::Column::State.is_in(["published", "withdrawn", "gone", "redirected"]))
            .find_also_related(agency::Entity)
            .one(&self.db)
            .await
            .map_err(unavailable)?;
        Ok(found.and_then(|(d, a)| {
            let a = a?;
            Some(Announcement {
                title: d.title,
                summary: d.summary,
                body_html: d.body_html,
                agency: agency_ref(&a),
                published_at: d.published_at,
                origin_url: d.origin_url,
                gone: d.state == "gone",
                moved_to: (d.state == "redirected").then(|| d.state_note.clone()).flatten(),
                withdrawn: (d.state == "withdrawn")
                    .then(|| d.state_note.unwrap_or_else(|| "Nội dung này đã được gỡ bỏ.".to_string())),
            })
        }))
    }

    async fn agency(&self, slug: &str) -> Result<Option<AgencyPage>, BackendError> {
        let Some(a) = crate::storage::agencies::by_slug(&self.db, slug).await.map_err(unavailable)? else {
            return Ok(None);
        };
        let parent = match a.parent_id {
            Some(id) => {
                agency::Entity::find_by_id(id).one(&self.db).await.map_err(unavailable)?.map(|p| agency_ref(&p))
            }
            None => None,
        };
        let mut children: Vec<AgencyRef> = agency::Entity::find()
            .filter(agency::Column::ParentId.eq(a.id))
            .all(&self.db)
            .await
            .map_err(unavailable)?
            .iter()
            .map(agency_ref)
            .collect();
        children.sort_by_cached_key(|c| vietnamese_sort_key(&c.name));
        let mut titles: Vec<(i32, String)> = document::Entity::find()
            .select_only()
            .column(document::Column::Id)
            .column(document::Column::Title)
            .filter(document::Column::AgencyId.eq(a.id))
            .filter(document::Column::Kind.eq("procedure"))
            .filter(document::Column::State.eq("published"))
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(unavailable)?;
        let procedure_count = titles.len() as u64;
        titles.sort_by_cached_key(|(_, t)| vietnamese_sort_key(t));
        let ids: Vec<i32> = titles.into_iter().take(AGENCY_PAGE_PROCEDURES).map(|(id, _)| id).collect();
        let procedures = self.procedure_summaries(&ids).await?;
        let announcements = self.announcements_of(Some(a.id), 10).await?;
        let former_names = serde_json::from_str(&a.former_names).unwrap_or_default();
        Ok(Some(AgencyPage {
            agency: Agency {
                reference: agency_ref(&a),
                parent,
                admin_code: a.admin_code.clone(),
                former_names,
                website: a.website.clone(),
            },
            procedures,
            procedure_count,
            announcements,
            children,
        }))
    }

    async fn agencies(&self) -> Result<Vec<AgencyListing>, BackendError> {
        let counts = self.counts_by_agency().await?;
        let mut rows = agency::Entity::find().all(&self.db).await.map_err(unavailable)?;
        rows.sort_by_cached_key(|a| vietnamese_sort_key(&a.name));
        Ok(rows
            .iter()
            .map(|a| AgencyListing { agency: agency_ref(a), documents: counts.get(&a.id).copied().unwrap_or(0) })
            .collect())
    }

    fn sign_in_options(&self) -> Vec<SignInOption> {
        let citizens = self.identity.providers.iter().filter(|p| !p.staff_only);
        citizens.map(|p| SignInOption { id: p.id.clone(), name: p.name.clone() }).collect()
    }

    fn staff_sign_in_options(&self) -> Vec<SignInOption> {
        let staff = self.identity.staff_providers().into_iter();
        staff.map(|p| SignInOption { id: p.id.clone(), name: p.name.clone() }).collect()
    }

    async fn account(&self, session_cookie: &str) -> Result<Option<AccountView>, BackendError> {
        let Some((session, account)) = self.live_session(session_cookie).await? else { return Ok(None) };
        let connected = crate::storage::hub::connected_services(&self.db, account.id)
            .await
            .map_err(|e| BackendError::Unavailable(e.to_string()))?
            .into_iter()
            .map(|(consent, service)| ConnectedService {
                name: service.map_or_else(|| consent.client_id.clone(), |s| s.name),
                shares: consent
                    .scopes
                    .split_whitespace()
                    .filter_map(crate::hub::services::scope_label)
                    .map(str::to_string)
                    .collect(),
                client_id: consent.client_id,
                granted_at: consent.granted_at,
                last_used_at: consent.last_used_at,
            })
            .collect();
        Ok(Some(AccountView {
            provider: self
                .identity
                .provider(&session.provider_id)
                .map_or_else(|| session.provider_id.clone(), |p| p.name.clone()),
            name: account.name,
            birth_date: account.birth_date,
            citizen_id: account.citizen_id,
            phone: account.phone,
            email: account.email,
            issuer: account.issuer,
            subject: account.subject,
            assurance_level: account.assurance_level,
            created_at: account.created_at,
            signed_in_at: session.created_at,
            connected,
            csrf: crate::csrf::token(&self.db, &session.id)
                .await
                .map_err(|e| BackendError::Unavailable(e.to_string()))?,
        }))
    }

    async fn staff_home(&self, session_cookie: &str, filter: &StaffFilter) -> Result<Option<StaffHome>, BackendError> {
        let Some((session, account)) = self.staff_session(session_cookie).await? else { return Ok(None) };
        let agencies = crate::storage::roles::agencies_of(&self.db, account.id, crate::storage::roles::Role::Editor)
            .await
            .map_err(unavailable)?;
        if agencies.is_empty() {
            return Ok(None);
        }
        let shown: Vec<&agency::Model> =
            agencies.iter().filter(|a| filter.agency.as_ref().is_none_or(|slug| *slug == a.slug)).collect();
        let ids: Vec<i32> = shown.iter().map(|a| a.id).collect();
        let names: HashMap<i32, String> = agencies.iter().map(|a| (a.id, a.name.clone())).collect();
        let listed = crate::staff::publishing::list(&self.db, &ids).await.map_err(unavailable)?;
        let words = filter.text.as_deref().map(motcua_search::normalize::fold).unwrap_or_default();
        let items = listed
            .into_iter()
            .filter(|(p, _)| filter.kind.as_ref().is_none_or(|k| *k == p.kind))
            .filter(|(p, _)| filter.state.as_ref().is_none_or(|s| *s == p.state))
            .filter(|(_, latest)| {
                let title = latest.as_ref().map(|e| motcua_search::normalize::fold(&e.title)).unwrap_or_default();
                words.split_whitespace().all(|w| title.contains(w))
            })
            .map(|(p, latest)| StaffItem {
                id: p.id,
                title: latest.as_ref().map(|e| e.title.clone()).unwrap_or_default(),
                agency: names.get(&p.agency_id).cloned().unwrap_or_default(),
                kind: p.kind.clone(),
                has_draft: latest.as_ref().is_some_and(|e| e.state == "draft"),
                public_path: (p.state != "draft").then(|| crate::staff::publishing::public_path(&p)),
                state: p.state,
                updated_at: p.updated_at,
            })
            .collect();
        let administration = crate::storage::roles::administration(&self.db, account.id).await.map_err(unavailable)?;
        Ok(Some(StaffHome {
            name: account.name.clone().unwrap_or_else(|| format!("{}:{}", account.provider_id, account.subject)),
            agencies: agencies.into_iter().map(|a| (a.slug, a.name)).collect(),
            items,
            filter: filter.clone(),
            administers: administration.any,
            administers_top_level: administration.top_level,
            csrf: crate::csrf::token(&self.db, &session.id).await.map_err(unavailable)?,
        }))
    }

    async fn staff_editor(&self, session_cookie: &str, id: i32) -> Result<Option<StaffEditor>, BackendError> {
        use crate::storage::roles::{Role, allows};
        let Some((session, account)) = self.staff_session(session_cookie).await? else { return Ok(None) };
        let Some((p, editions)) = crate::staff::publishing::get(&self.db, id).await.map_err(unavailable)? else {
            return Ok(None);
        };
        if !allows(&self.db, account.id, p.agency_id, Role::Editor).await.map_err(unavailable)? {
            return Ok(None);
        }
        let can_publish = allows(&self.db, account.id, p.agency_id, Role::Publisher).await.map_err(unavailable)?;
        let agency = agency::Entity::find_by_id(p.agency_id).one(&self.db).await.map_err(unavailable)?;
        let open = editions.iter().find(|e| e.state == "draft");
        let shown = open.or_else(|| editions.iter().find(|e| e.state == "published")).or(editions.first());
        let Some(shown) = shown else { return Ok(None) };
        Ok(Some(StaffEditor {
            id: p.id,
            agency: agency.map(|a| a.name).unwrap_or_default(),
            title: shown.title.clone(),
            summary: shown.summary.clone(),
            body_markdown: shown.body_markdown.clone(),
            change_note: open.and_then(|e| e.change_note.clone()).unwrap_or_default(),
            procedure: crate::staff::publishing::Draft::of(shown).procedure,
            preview_html: crate::staff::publishing::render(&shown.body_markdown),
            needs_change_note: editions.iter().any(|e| e.published_at.is_some()),
            can_publish,
            has_draft: open.is_some(),
            public_path: (p.state != "draft").then(|| crate::staff::publishing::public_path(&p)),
            state: p.state.clone(),
            scheduled_at: open.and_then(|e| e.scheduled_at),
            attachments: crate::staff::attachments::of(&self.db, p.id)
                .await
                .map_err(unavailable)?
                .iter()
                .map(|a| AttachmentLink {
                    url: crate::staff::attachments::url(a),
                    name: a.file_name.clone(),
                    size: a.size,
                })
                .collect(),
            history: editions
                .iter()
                .map(|e| EditionSummary {
                    number: e.number,
                    state: e.state.clone(),
                    change_note: e.change_note.clone(),
                    published_at: e.published_at,
                })
                .collect(),
            csrf: crate::csrf::token(&self.db, &session.id).await.map_err(unavailable)?,
        }))
    }

    async fn roles_page(&self, session_cookie: &str) -> Result<Option<RolesPage>, BackendError> {
        use crate::storage::roles;
        let Some((session, me)) = self.staff_session(session_cookie).await? else { return Ok(None) };
        let agencies = roles::agencies_of(&self.db, me.id, roles::Role::Administrator).await.map_err(unavailable)?;
        if agencies.is_empty() {
            return Ok(None);
        }
        let names: HashMap<i32, String> = agencies.iter().map(|a| (a.id, a.name.clone())).collect();
        let ids: Vec<i32> = agencies.iter().map(|a| a.id).collect();
        let mut grants = Vec::new();
        for g in roles::grants_for(&self.db, &ids).await.map_err(unavailable)? {
            let who = crate::storage::entity::account::Entity::find_by_id(g.account_id)
                .one(&self.db)
                .await
                .map_err(unavailable)?;
            grants.push(GrantRow {
                id: g.id,
                account: who.as_ref().map(|a| format!("{}:{}", a.provider_id, a.subject)).unwrap_or_default(),
                name: who.and_then(|a| a.name),
                role: g.role,
                agency: names.get(&g.agency_id).cloned().unwrap_or_default(),
                granted_by: g.granted_by,
                granted_at: g.granted_at,
            });
        }
        Ok(Some(RolesPage {
            agencies: agencies.into_iter().map(|a| (a.slug, a.name)).collect(),
            grants,
            csrf: crate::csrf::token(&self.db, &session.id).await.map_err(unavailable)?,
        }))
    }

    async fn audit_page(&self, session_cookie: &str, action: Option<&str>) -> Result<Option<AuditPage>, BackendError> {
        if self.top_level_session(session_cookie).await?.is_none() {
            return Ok(None);
        }
        let filter = crate::storage::audit::Filter { action: action.map(str::to_string), actor: None, limit: 200 };
        let entries = crate::storage::audit::list(&self.db, &filter)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(|e| AuditRow {
                at: e.at,
                actor: e.actor,
                action: e.action,
                target: e.target,
                source_ip: e.source_ip,
                detail: e.detail,
            })
            .collect();
        Ok(Some(AuditPage { entries }))
    }

    async fn best_bets_page(&self, session_cookie: &str) -> Result<Option<BestBetsPage>, BackendError> {
        use crate::storage::best_bets;
        let Some(session) = self.top_level_session(session_cookie).await? else { return Ok(None) };
        let mut queries: Vec<(String, PinnedQuery)> = Vec::new();
        for (bet, doc) in best_bets::list(&self.db).await.map_err(unavailable)? {
            let Some(doc) = doc else { continue };
            let pinned = PinnedDocument {
                target: best_bets::target_of(&doc.path).to_string(),
                title: doc.title,
                path: doc.path,
                published: doc.state == "published",
            };
            match queries.last_mut() {
                Some((key, q)) if *key == bet.query_key => {
                    q.pinned.push(pinned);
                    q.set_at = q.set_at.max(bet.created_at);
                }
                _ => queries.push((
                    bet.query_key,
                    PinnedQuery { query: bet.query, pinned: vec![pinned], set_at: bet.created_at },
                )),
            }
        }
        let csrf = crate::csrf::token(&self.db, &session.id).await.map_err(unavailable)?;
        Ok(Some(BestBetsPage { queries: queries.into_iter().map(|(_, q)| q).collect(), csrf }))
    }

    async fn keywords_page(
        &self,
        session_cookie: &str,
        code: Option<&str>,
    ) -> Result<Option<KeywordsPage>, BackendError> {
        use crate::storage::search_keywords;
        use motcua_server::curated::keywords::KEYWORDS;
        let Some(session) = self.top_level_session(session_cookie).await? else { return Ok(None) };
        let procedures: Vec<ProcedureKeywords> = search_keywords::list(&self.db)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(|(k, doc, code)| ProcedureKeywords {
                code,
                title: doc.title,
                path: doc.path,
                added: k.keywords.lines().map(str::to_string).collect(),
                updated: Some((k.updated_at, k.updated_by)),
            })
            .collect();
        let editing =
            match code.map(str::trim).filter(|c| !c.is_empty()) {
                None => None,
                Some(code) => match procedures.iter().find(|p| p.code == code) {
                    Some(p) => Some(p.clone()),
                    None => crate::storage::procedures::by_code(&self.db, code).await.map_err(unavailable)?.map(
                        |(p, doc)| ProcedureKeywords {
                            code: p.code,
                            title: doc.title,
                            path: doc.path,
                            added: Vec::new(),
                            updated: None,
                        },
                    ),
                },
            };
        let curated = editing.as_ref().map(|e| KEYWORDS.of(&e.code)).unwrap_or_default();
        let csrf = crate::csrf::token(&self.db, &session.id).await.map_err(unavailable)?;
        Ok(Some(KeywordsPage { procedures, editing, curated, csrf }))
    }

    async fn companions_page(
        &self,
        session_cookie: &str,
        code: Option<&str>,
    ) -> Result<Option<CompanionsPage>, BackendError> {
        use crate::storage::companions;
        let Some(session) = self.top_level_session(session_cookie).await? else { return Ok(None) };
        // Titles are filled in below, in one read for every list.
        let untitled = |named: Vec<(String, ProcedureRelation)>| -> Vec<ListedCompanion> {
            named.into_iter().map(|(code, relation)| ListedCompanion { code, title: None, relation }).collect()
        };
        let mut procedures: Vec<ProcedureCompanions> = companions::list(&self.db)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(|(row, doc, code)| ProcedureCompanions {
                companions: untitled(companions::parsed(&row.companions)),
                code,
                title: doc.title,
                path: doc.path,
                updated: Some((row.updated_at, row.updated_by)),
            })
            .collect();
        let mut editing =
            match code.map(str::trim).filter(|c| !c.is_empty()) {
                None => None,
                Some(code) => match procedures.iter().find(|p| p.code == code) {
                    Some(p) => Some(p.clone()),
                    // Not set in the portal: the shipped list, as its lines name it.
                    None => crate::storage::procedures::by_code(&self.db, code).await.map_err(unavailable)?.map(
                        |(p, doc)| ProcedureCompanions {
                            companions: untitled(Relations::curated(&p.code).to_vec()),
                            code: p.code,
                            title: doc.title,
                            path: doc.path,
                            updated: None,
                        },
                    ),
                },
            };
        let named: Vec<&str> =
            procedures.iter().chain(&editing).flat_map(|p| &p.companions).map(|c| c.code.as_str()).collect();
        let titles = crate::storage::procedures::titles_by_code(&self.db, named).await.map_err(unavailable)?;
        for companion in procedures.iter_mut().chain(&mut editing).flat_map(|p| &mut p.companions) {
            companion.title = titles.get(&companion.code).cloned();
        }
        let csrf = crate::csrf::token(&self.db, &session.id).await.map_err(unavailable)?;
        Ok(Some(CompanionsPage { procedures, editing, csrf }))
    }

    async fn sign_out_view(&self, session_cookie: &str) -> Result<Option<SignOutView>, BackendError> {
        let unavailable = |e: &dyn std::fmt::Display| BackendError::Unavailable(e.to_string());
        let Some((session, _)) = self.live_session(session_cookie).await? else { return Ok(None) };
        let mut names = Vec::new();
        for row in crate::storage::hub::session_services(&self.db, &session.id).await.map_err(|e| unavailable(&e))? {
            let service = crate::hub::services::find(&self.db, &row.client_id).await.map_err(|e| unavailable(&e))?;
            names.push(service.map_or(row.client_id, |s| s.name));
        }
        let csrf = crate::csrf::token(&self.db, &session.id).await.map_err(|e| unavailable(&e))?;
        Ok(Some(SignOutView { services: names, csrf }))
    }

    async fn consent_request(&self, session_cookie: &str, token: &str) -> Result<Option<ConsentRequest>, BackendError> {
        let unavailable = |e: &dyn std::fmt::Display| BackendError::Unavailable(e.to_string());
        let now = chrono::Utc::now();
        let Some((session, _)) = self.live_session(session_cookie).await? else { return Ok(None) };
        let Some(pending) =
            crate::storage::hub::pending(&self.db, token, &session.id, now).await.map_err(|e| unavailable(&e))?
        else {
            return Ok(None);
        };
        let Ok(request) = serde_json::from_str::<crate::hub::authorize::AuthRequest>(&pending.request) else {
            return Ok(None);
        };
        let Some(service) =
            crate::hub::services::find(&self.db, &request.client_id).await.map_err(|e| unavailable(&e))?
        else {
            return Ok(None);
        };
        let agency = match &service.agency {
            Some(slug) => crate::storage::agencies::name_of(&self.db, slug).await.map_err(|e| unavailable(&e))?,
            None => None,
        };
        Ok(Some(ConsentRequest {
            token: token.to_string(),
            service: service.name,
            agency,
            shares: request
                .scopes
                .iter()
                .filter(|s| *s != "citizen")
                .filter_map(|s| crate::hub::services::scope_label(s))
                .map(str::to_string)
                .collect(),
            asks_citizen_id: request.scopes.iter().any(|s| s == "citizen"),
        }))
    }
}
