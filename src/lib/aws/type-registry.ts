import type {CloudFormationClient} from '@aws-sdk/client-cloudformation'
import {isAwsError} from './aws-error.js'
import {withAwsAuthErrors} from './clients.js'

/**
 * The CloudFormation registry calls for third-party resource types, in one region at a time:
 * what deploy's preflight reads and what `platform activate` changes. Credential and permission
 * errors become AwsAuthError (exit 4).
 */
export interface TypeRegistry {
  /** DescribeType: false when the account has not activated the type in the region (TypeNotFoundException). */
  isActivated(region: string, typeName: string): Promise<boolean>
  /** DescribeType: whether the type is activated in the region, and the execution role it was activated with. */
  activation(region: string, typeName: string): Promise<TypeActivationState>
  /**
   * BatchDescribeTypeConfigurations of the type's default configuration: its JSON, or undefined
   * when it was never set (AWS answers `{}`) or the type is not activated.
   */
  configuration(region: string, typeName: string): Promise<string | undefined>
  /**
   * ActivateType of a public third-party resource type, updated automatically to new minor versions,
   * with the role its handlers run with when it needs one (`executionRoleArn`).
   */
  activate(region: string, typeName: string, publisherId: string, executionRoleArn?: string): Promise<void>
  /** SetTypeConfiguration under the alias `default` (a resource type's configuration needs one). */
  configure(region: string, typeName: string, configuration: string): Promise<void>
}

export interface TypeActivationState {
  activated: boolean
  /** The role CloudFormation runs the type's handlers with; none when it was activated without one. */
  executionRoleArn?: string
}

/** The alias of the one configuration each type gets (resource types require an alias; handlers use `default`). */
export const TYPE_CONFIGURATION_ALIAS = 'default'

export function createTypeRegistry(cloudFormation: (region: string) => CloudFormationClient | Promise<CloudFormationClient>): TypeRegistry {
  const activation = (region: string, typeName: string): Promise<TypeActivationState> =>
    withAwsAuthErrors(async () => {
      const {DescribeTypeCommand} = await import('@aws-sdk/client-cloudformation')
      try {
        const out = await (await cloudFormation(region)).send(new DescribeTypeCommand({Type: 'RESOURCE', TypeName: typeName}))
        return {activated: out.IsActivated !== false, ...(out.ExecutionRoleArn ? {executionRoleArn: out.ExecutionRoleArn} : {})}
      } catch (error) {
        // A public third-party type the account has not activated is not found in it.
        if (isAwsError(error, 'TypeNotFoundException')) return {activated: false}
        throw error
      }
    })
  return {
    isActivated: async (region, typeName) => (await activation(region, typeName)).activated,
    activation,
    configuration: (region, typeName) =>
      withAwsAuthErrors(async () => {
        const {BatchDescribeTypeConfigurationsCommand} = await import('@aws-sdk/client-cloudformation')
        const out = await (await cloudFormation(region)).send(
          new BatchDescribeTypeConfigurationsCommand({TypeConfigurationIdentifiers: [{Type: 'RESOURCE', TypeName: typeName, TypeConfigurationAlias: TYPE_CONFIGURATION_ALIAS}]}),
        )
        const found = (out.TypeConfigurations ?? []).find((c) => c.TypeName === typeName)
        const configuration = found?.Configuration?.trim()
        return configuration && configuration !== '{}' ? configuration : undefined
      }),
    activate: (region, typeName, publisherId, executionRoleArn) =>
      withAwsAuthErrors(async () => {
        const {ActivateTypeCommand} = await import('@aws-sdk/client-cloudformation')
        await (await cloudFormation(region)).send(new ActivateTypeCommand({Type: 'RESOURCE', TypeName: typeName, PublisherId: publisherId, AutoUpdate: true, ...(executionRoleArn ? {ExecutionRoleArn: executionRoleArn} : {})}))
      }),
    configure: (region, typeName, configuration) =>
      withAwsAuthErrors(async () => {
        const {SetTypeConfigurationCommand} = await import('@aws-sdk/client-cloudformation')
        await (await cloudFormation(region)).send(new SetTypeConfigurationCommand({Type: 'RESOURCE', TypeName: typeName, Configuration: configuration, ConfigurationAlias: TYPE_CONFIGURATION_ALIAS}))
      }),
  }
}
