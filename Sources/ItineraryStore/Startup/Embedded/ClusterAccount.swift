#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating-system account that owns and runs the embedded cluster.
///
/// PostgreSQL refuses to run as root, so under root the cluster belongs to the unprivileged
/// `postgres` system account (created by the distribution's server package).
struct ClusterAccount: Sendable {
    /// The account to switch to with `runuser`, or nil to run as the current user.
    let switchTo: String?
    let uid: uid_t
    let gid: gid_t

    static func current() throws -> ClusterAccount {
        guard geteuid() == 0 else { return ClusterAccount(switchTo: nil, uid: geteuid(), gid: getegid()) }
        guard let entry = getpwnam("postgres") else {
            throw EmbeddedPostgresError(
                "running as root, but there is no 'postgres' system user to run the cluster as "
                    + "(install the PostgreSQL server package, or set DATABASE_URL to use an existing server)"
            )
        }
        return ClusterAccount(switchTo: "postgres", uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }
}
