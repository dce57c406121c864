// The response fields of the five seed pages (../shared/seeds, the API contract), transcribed field for field
// with the type each page gives: facts of the vendors' documentation, kept here so a plain clone can check the
// served OpenAPI document and the responses against them (contract.test.ts).
//   000: HSS ListAssociateRegistries   GET /v5/{project_id}/image/image-sync/tasks/{task_id}/registries
//   001: SWR ListImageAutoSyncReposDetails GET /v2/manage/namespaces/{namespace}/repos/{repository}/sync_repo
//   002: ACR ListRepoSyncTask          RPC Action=ListRepoSyncTask
//   003: HSS ListRegistryImages        GET /v5/{project_id}/image/registries/images
//   004: HSS ListRegistry              GET /v5/{project_id}/image/registries

export type SeedType = 'string' | 'integer' | 'boolean' | 'array' | 'object';

/** Object name → field → type, per seed. */
export const SEED_FIELDS: Record<string, Record<string, Record<string, SeedType>>> = {
  '000': {
    body: { data_list: 'array', total_num: 'integer' },
    AssociateRegistriesResponseInfo: {
      registry_id: 'string',
      registry_name: 'string',
      registry_type: 'string',
      sync_status: 'string',
      failed_reason: 'string',
    },
  },
  '001': {
    SyncRepo: {
      createdAt: 'string',
      domainID: 'string',
      domainName: 'string',
      id: 'integer',
      namespace: 'string',
      override: 'boolean',
      remoteNamespace: 'string',
      remoteRegionId: 'string',
      repoName: 'string',
      syncAuto: 'boolean',
      updatedAt: 'string',
    },
  },
  '002': {
    body: {
      RequestId: 'string',
      Code: 'string',
      PageNo: 'integer',
      IsSuccess: 'boolean',
      PageSize: 'integer',
      // A string in the page's parameter table and the SDK's model (its example shows a number).
      TotalCount: 'string',
      SyncTasks: 'array',
    },
    SyncTasks: {
      ModifedTime: 'integer',
      SyncRuleId: 'string',
      SyncTaskId: 'string',
      TaskStatus: 'string',
      CreateTime: 'integer',
      SyncBatchTaskId: 'string',
      CrossUser: 'boolean',
      SyncTransAccelerate: 'boolean',
      TaskTrigger: 'string',
      ImageFrom: 'object',
      ImageTo: 'object',
      TaskIssue: 'string',
    },
    ImageFrom: {
      RepoNamespaceName: 'string',
      InstanceId: 'string',
      ImageTag: 'string',
      RepoName: 'string',
      RegionId: 'string',
    },
  },
  '003': {
    body: { total_num: 'integer', data_list: 'array' },
    RegistryImagesInfo: {
      id: 'integer',
      namespace: 'string',
      image_name: 'string',
      image_id: 'string',
      image_digest: 'string',
      image_version: 'string',
      image_type: 'string',
      registry_id: 'string',
      registry_name: 'string',
      registry_type: 'string',
      latest_version: 'boolean',
      scan_status: 'string',
      scan_failed_desc: 'string',
      scan_failed_code: 'string',
      image_size: 'integer',
      latest_update_time: 'integer',
      latest_scan_time: 'integer',
      latest_sync_time: 'integer',
      vul_num: 'integer',
      unsafe_setting_num: 'integer',
      malicious_file_num: 'integer',
      domain_name: 'string',
      shared_status: 'string',
      scannable: 'boolean',
      is_multiple_arch: 'boolean',
      instance_name: 'string',
      instance_id: 'string',
      instance_url: 'string',
      severity_level: 'string',
      association_images: 'array',
    },
    AssociateImagesInfo: {
      id: 'integer',
      image_id: 'string',
      image_name: 'string',
      image_version: 'string',
      image_type: 'string',
      namespace: 'string',
      image_digest: 'string',
      scan_status: 'string',
      vul_num: 'integer',
      unsafe_setting_num: 'integer',
      malicious_file_num: 'integer',
    },
  },
  '004': {
    body: { data_list: 'array', total_num: 'integer' },
    RegistryInfo: {
      id: 'string',
      registry_name: 'string',
      registry_type: 'string',
      api_version: 'string',
      protocol: 'string',
      registry_addr: 'string',
      registry_username: 'string',
      namespace: 'string',
      connect_cluster_id: 'string',
      get_scan_image_channel: 'string',
      status: 'string',
      fail_reason: 'string',
      images_num: 'integer',
      latest_sync_time: 'integer',
    },
  },
};
