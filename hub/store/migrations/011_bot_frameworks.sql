-- Bot frameworks in front of an integration, beside the messaging platforms: Dialogflow CX, Rasa, Amazon Lex V2.
alter table platform_integrations drop constraint platform_integrations_kind_check;
alter table platform_integrations add constraint platform_integrations_kind_check check (kind in ('sunshine', 'chatwoot', 'dialogflow-cx', 'rasa', 'lex'));
