CREATE TABLE "cells" (
	"name" text PRIMARY KEY NOT NULL,
	"server" text NOT NULL,
	"database" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cells_name_check" CHECK ("cells"."name" ~ '^[a-z][a-z0-9-]{0,15}$')
);
--> statement-breakpoint
ALTER TABLE "cells" ADD CONSTRAINT "cells_server_servers_name_fk" FOREIGN KEY ("server") REFERENCES "public"."servers"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cells_server_database_key" ON "cells" USING btree ("server","database");