-- dim_document: one row per inbox file ever seen (grain: document path).
-- status: 'loaded' (facts in the views), 'removed' (file left the inbox; facts retired),
-- 'rejected' (could not be read as a report; reason in reject_reason).
create table if not exists dim_document (
    document_id       varchar primary key,   -- md5 of the inbox-relative path
    document          varchar not null,      -- inbox-relative path with '/' separators
    title             varchar,
    published_date    date,
    source            varchar,
    sha256            varchar,               -- of the raw bytes
    size_bytes        bigint,
    encoding          varchar,
    had_bom           boolean,
    characters        integer,
    status            varchar not null,
    reject_reason     varchar,
    extractor_version varchar,
    loaded_at         timestamp,
    rejected_at       timestamp,
    removed_at        timestamp
);
