import Foundation
import Logging
import SQLKit

/// Brings the schema up to date, one numbered step at a time, recording each
/// step in `schema_migrations` inside the same transaction as its DDL so a
/// crash never leaves a half-applied step behind (both engines have
/// transactional DDL).
struct Migrator {
    let database: Database

    /// Schema steps, in order. Never edit a step that has shipped; add one.
    /// The SQL is written in the dialect both engines share: TEXT, BIGINT
    /// (milliseconds since 1970 for instants), BOOLEAN.
    static let steps: [[String]] = [
        [
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                username TEXT NOT NULL UNIQUE,
                display_name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                calendar_token TEXT UNIQUE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE meetings (
                id TEXT PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                dial_in_code TEXT NOT NULL UNIQUE,
                host_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                description TEXT NOT NULL,
                start_local TEXT,
                time_zone TEXT,
                duration_minutes BIGINT,
                rrule TEXT,
                first_start BIGINT,
                last_end BIGINT,
                passcode TEXT,
                require_sign_in BOOLEAN NOT NULL,
                is_private BOOLEAN NOT NULL,
                reminder_minutes BIGINT NOT NULL,
                sequence BIGINT NOT NULL,
                cancelled_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX meetings_host ON meetings (host_id)",
            """
            CREATE TABLE meeting_invitees (
                meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                invited_at BIGINT NOT NULL,
                PRIMARY KEY (meeting_id, user_id)
            )
            """,
            "CREATE INDEX meeting_invitees_user ON meeting_invitees (user_id)",
            """
            CREATE TABLE occurrence_overrides (
                meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
                original_start BIGINT NOT NULL,
                is_cancelled BOOLEAN NOT NULL,
                start_local TEXT,
                duration_minutes BIGINT,
                title TEXT,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (meeting_id, original_start)
            )
            """,
            """
            CREATE TABLE friend_requests (
                id TEXT PRIMARY KEY,
                from_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                to_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                responded_at BIGINT
            )
            """,
            "CREATE INDEX friend_requests_to ON friend_requests (to_id, status)",
            "CREATE INDEX friend_requests_from ON friend_requests (from_id, status)",
            """
            CREATE TABLE friendships (
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                friend_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                since BIGINT NOT NULL,
                PRIMARY KEY (user_id, friend_id)
            )
            """,
            """
            CREATE TABLE blocks (
                blocker_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                blocked_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (blocker_id, blocked_id)
            )
            """,
            "CREATE INDEX blocks_blocked ON blocks (blocked_id)",
            """
            CREATE TABLE notifications (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                data TEXT NOT NULL,
                dedupe_key TEXT UNIQUE,
                created_at BIGINT NOT NULL,
                read_at BIGINT
            )
            """,
            "CREATE INDEX notifications_user ON notifications (user_id, created_at)",
            """
            CREATE TABLE calls (
                id TEXT PRIMARY KEY,
                caller_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                callee_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ],
        // 2: live meetings — a lobby where the host admits people.
        [
            "ALTER TABLE meetings ADD COLUMN lobby_enabled BOOLEAN NOT NULL DEFAULT FALSE",
        ],
        // 3: recordings — one composited file per recording, kept after the
        // meeting is deleted (the meeting id is cleared, the title kept).
        [
            "ALTER TABLE meetings ADD COLUMN record_automatically BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE meetings ADD COLUMN recordings_visible BOOLEAN NOT NULL DEFAULT FALSE",
            """
            CREATE TABLE recordings (
                id TEXT PRIMARY KEY,
                meeting_id TEXT REFERENCES meetings(id) ON DELETE SET NULL,
                meeting_title TEXT NOT NULL,
                host_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                started_by TEXT NOT NULL,
                node TEXT NOT NULL,
                status TEXT NOT NULL,
                progress BIGINT NOT NULL,
                started_at BIGINT NOT NULL,
                stopped_at BIGINT,
                duration_ms BIGINT NOT NULL,
                size_bytes BIGINT NOT NULL,
                participants TEXT NOT NULL,
                error TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX recordings_meeting ON recordings (meeting_id)",
            "CREATE INDEX recordings_status ON recordings (status)",
            """
            CREATE TABLE recording_access (
                recording_id TEXT NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                may_manage BOOLEAN NOT NULL,
                PRIMARY KEY (recording_id, user_id)
            )
            """,
            "CREATE INDEX recording_access_user ON recording_access (user_id)",
        ],
        // 4: cluster nodes — every server on one database registers itself,
        // beats its load, and reads the state an operator set (cordon, drain).
        [
            """
            CREATE TABLE nodes (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                http_url TEXT NOT NULL,
                media_address TEXT NOT NULL,
                sip_address TEXT NOT NULL,
                version TEXT NOT NULL,
                state TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                heartbeat_at BIGINT NOT NULL,
                cpu_permille BIGINT NOT NULL,
                packets_per_second BIGINT NOT NULL,
                participants BIGINT NOT NULL,
                rooms BIGINT NOT NULL,
                calls BIGINT NOT NULL,
                recordings BIGINT NOT NULL
            )
            """,
            "CREATE INDEX nodes_name ON nodes (name)",
        ],
        // 5: where each live meeting's room runs in a cluster: one row per
        // meeting, claimed by the node that starts its room, so every node
        // sends that meeting's people (and callers) to the same place.
        [
            """
            CREATE TABLE room_placements (
                meeting_id TEXT PRIMARY KEY,
                node_id TEXT NOT NULL,
                placed_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX room_placements_node ON room_placements (node_id)",
        ],
        // 6: which recording directory each node serves (the id in its
        // `.node-id`), so any node can send a request for a recording's
        // files to the node that has them.
        [
            "ALTER TABLE nodes ADD COLUMN recording_store TEXT NOT NULL DEFAULT ''",
        ],
        // 7: what each node says of itself that the others need to judge
        // it: its own capacity (nodes of different sizes; 0 on rows of
        // nodes from before this step, read as the reader's own), and the
        // host its node pipes listen on (`media.pipe_address`), so a node
        // that dies has the pipes to it dropped even when that host is not
        // its media address.
        [
            "ALTER TABLE nodes ADD COLUMN capacity BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE nodes ADD COLUMN pipe_host TEXT NOT NULL DEFAULT ''",
        ],
    ]

    struct AppliedStep: Decodable { var version: Int }

    func migrate() async throws {
        try await database.transaction { db in
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)"
            ).run()
        }
        let applied = try await database.read { db in
            try await db.select().column("version").from("schema_migrations").all(decoding: AppliedStep.self)
        }
        let done = Set(applied.map(\.version))
        for (index, statements) in Self.steps.enumerated() where !done.contains(index + 1) {
            let version = index + 1
            try await database.transaction { db in
                for statement in statements {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.insert(into: "schema_migrations")
                    .columns("version", "applied_at")
                    .values(SQLBind(version), SQLBind(Timestamp.now))
                    .run()
            }
            database.logger.info("applied schema step", metadata: ["version": "\(version)"])
        }
    }
}
