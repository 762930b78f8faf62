-- Insert the decoded text of the documents loaded in this refresh; their old text was deleted above.
insert into doc_text by name
select document_id, text
from staged_doc_text;
