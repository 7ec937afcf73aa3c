/**
 * The patches of local/patches/, each tested by its own file in test/local/patches/ (one
 * `<module-with-dashes>.patch.ts` per module), all against one patched moto started once here.
 */
import './patches/change-set-create.patch.js'
import './patches/change-set-diff.patch.js'
import './patches/change-set-execute.patch.js'
import './patches/dependent-updates.patch.js'
import './patches/dns-delegation.patch.js'
import './patches/ecs-steady-state.patch.js'
import './patches/exports-after-update.patch.js'
import './patches/getatt-gaps.patch.js'
import './patches/idempotency-tokens.patch.js'
import './patches/list-change-sets.patch.js'
import './patches/list-parameters.patch.js'
import './patches/placeholders.patch.js'
import './patches/rds-cluster-models.patch.js'
import './patches/rds-engine-versions.patch.js'
import './patches/resource-events.patch.js'
import './patches/termination-protection.patch.js'
import './patches/rds-restore.patch.js'
import './patches/registry-types.patch.js'
import './patches/s3-conditional-writes.patch.js'
import './patches/vpc-dns-attributes.patch.js'
