-- Runs once at first initialisation: the JWT secret and expiry as database settings, where
-- Supabase's images keep them (app.settings.jwt_secret / app.settings.jwt_exp).
\set jwt_secret `echo "$JWT_SECRET"`
\set jwt_exp `echo "$JWT_EXP"`

alter database postgres set "app.settings.jwt_secret" to :'jwt_secret';
alter database postgres set "app.settings.jwt_exp" to :'jwt_exp';
