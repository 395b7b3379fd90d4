// The seed tutorial's manifests (DESIGN.md §1, seeds/000), verbatim, as rule fixtures.
import * as YAML from 'yaml';
import type { KubeObject } from '../../src/rules';

function parse(text: string): KubeObject[] {
  return YAML.parseAllDocuments(text).map((document) => document.toJS() as KubeObject);
}

export const SEED_PVC = parse(`
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: postgres-exclusive-data
spec:
  accessModes:
    - ReadWriteOncePod  # Only one pod can mount this
  resources:
    requests:
      storage: 20Gi
  storageClassName: standard
`)[0];

export const SEED_DEPLOYMENT = parse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: postgres
spec:
  replicas: 1  # Must be 1 for RWOP
  selector:
    matchLabels:
      app: postgres
  strategy:
    type: Recreate  # Prevent multiple pods during rollout
  template:
    metadata:
      labels:
        app: postgres
    spec:
      containers:
      - name: postgres
        image: postgres:15
        env:
        - name: POSTGRES_PASSWORD
          value: "securepassword"
        - name: PGDATA
          value: /var/lib/postgresql/data/pgdata
        ports:
        - containerPort: 5432
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
        livenessProbe:
          exec:
            command:
            - pg_isready
            - -U
            - postgres
          initialDelaySeconds: 30
          periodSeconds: 10
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: postgres-exclusive-data
`)[0];

export const SEED_SECOND_POD = parse(`
apiVersion: v1
kind: Pod
metadata:
  name: postgres-second-attempt
spec:
  containers:
  - name: postgres
    image: postgres:15
    volumeMounts:
    - name: data
      mountPath: /var/lib/postgresql/data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: postgres-exclusive-data
`)[0];

export const SEED_STATEFULSET = parse(`
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres-cluster
spec:
  serviceName: postgres
  replicas: 3
  selector:
    matchLabels:
      app: postgres
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes:
        - ReadWriteOncePod  # Each pod gets exclusive access to its volume
      resources:
        requests:
          storage: 20Gi
      storageClassName: standard
  template:
    metadata:
      labels:
        app: postgres
    spec:
      containers:
      - name: postgres
        image: postgres:15
        env:
        - name: POSTGRES_PASSWORD
          valueFrom:
            secretKeyRef:
              name: postgres-secret
              key: password
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
`)[0];

export const SEED_MIGRATED_PVC = parse(`
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: postgres-data
spec:
  accessModes:
    - ReadWriteOncePod  # Changed from ReadWriteOnce
  resources:
    requests:
      storage: 20Gi
  storageClassName: standard
  # Restore from snapshot if needed
  dataSource:
    name: postgres-snapshot
    kind: VolumeSnapshot
    apiGroup: snapshot.storage.k8s.io
`)[0];

export const [SEED_PDB, SEED_PDB_DEPLOYMENT] = parse(`
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: postgres-pdb
spec:
  maxUnavailable: 0  # Prevent voluntary disruptions
  selector:
    matchLabels:
      app: postgres
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: postgres
spec:
  replicas: 1
  selector:
    matchLabels:
      app: postgres
  strategy:
    type: Recreate
  template:
    metadata:
      labels:
        app: postgres
    spec:
      # Use preStop hook for graceful shutdown
      containers:
      - name: postgres
        image: postgres:15
        lifecycle:
          preStop:
            exec:
              command:
              - /bin/sh
              - -c
              - pg_ctl stop -D /var/lib/postgresql/data -m fast
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: postgres-exclusive-data
      # Ensure pod is scheduled on specific node if needed
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - key: storage-node
                operator: In
                values:
                - "true"
`);

export const SEED_DUMP_CRONJOB = parse(`
apiVersion: batch/v1
kind: CronJob
metadata:
  name: postgres-backup
spec:
  schedule: "0 2 * * *"  # Daily at 2 AM
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: backup
            image: postgres:15
            command:
            - /bin/sh
            - -c
            - |
              # Connect over network, don't mount volume
              pg_dump -h postgres-service -U postgres -d mydatabase > /backup/dump.sql
            volumeMounts:
            - name: backup-storage
              mountPath: /backup
          volumes:
          - name: backup-storage
            persistentVolumeClaim:
              claimName: backup-pvc  # Different PVC for backups
`)[0];

export const SEED_SNAPSHOT_CRONJOB = parse(`
apiVersion: batch/v1
kind: CronJob
metadata:
  name: postgres-snapshot-backup
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: snapshot-creator
          restartPolicy: OnFailure
          containers:
          - name: create-snapshot
            image: bitnami/kubectl:latest
            command:
            - /bin/sh
            - -c
            - |
              TIMESTAMP=$(date +%Y%m%d-%H%M%S)
              cat <<EOF | kubectl apply -f -
              apiVersion: snapshot.storage.k8s.io/v1
              kind: VolumeSnapshot
              metadata:
                name: postgres-backup-\${TIMESTAMP}
              spec:
                volumeSnapshotClassName: csi-snapshot-class
                source:
                  persistentVolumeClaimName: postgres-exclusive-data
              EOF
`)[0];

/** Every seed manifest, in the order the tutorial shows them. */
export const SEED_ALL: KubeObject[] = [
  SEED_PVC, SEED_DEPLOYMENT, SEED_SECOND_POD, SEED_STATEFULSET, SEED_MIGRATED_PVC, SEED_PDB, SEED_PDB_DEPLOYMENT, SEED_DUMP_CRONJOB,
  SEED_SNAPSHOT_CRONJOB,
];
