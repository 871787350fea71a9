-- One database per service (the services own their data; one server is fine).
create database vp_intake;
create database vp_triage;
create database vp_notification;
create database vp_vendorcoordination;
create database vp_disclosure;
create database vp_identity;
create database vp_web;
